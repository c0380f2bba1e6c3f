"""What the benchmark scripts and the page's renderer agree on: row names, the targets (from
targets.toml) and the results files' reader, so that no script imports the renderer."""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

# The targets, as data (benchmarks/targets.toml): the scorecard checks the results against them.
TARGETS = tomllib.loads((Path(__file__).resolve().parent / "targets.toml").read_text())


def load(name: str) -> dict | None:
    path = common.RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.is_file() else None


RANDOM_VECTORS = "textnn textcnn (random vectors)"


NBSVM_ROW = "textnn nbsvm (no vectors)"


# bench_accuracy.py --vectors: the TextCNN row from skip-gram vectors trained on IMDb's text
SKIPGRAM_ROW = "textnn textcnn (skip-gram vectors from IMDb's text)"


# The UCI and MR targets ask for pretrained vectors: rows without them are not candidates.
WITHOUT_VECTORS = (RANDOM_VECTORS, NBSVM_ROW)


# bench_accuracy.py's self-training row: a textcnn, but trained on more than the labelled split
SELF_TRAINED_ROW = "textnn textcnn + 50,000 unlabelled reviews labelled by textnn nbsvm"


# bench_accuracy.py's ensemble row: not a zoo model, so its name does not start "textnn "
VOTE = ("fasttext", "textcnn", "bilstm")


VOTE_ROW = f"soft vote of textnn {', '.join(VOTE[:-1])} and {VOTE[-1]}"


# bench_accuracy.py's vote on the sentence sets (with a source run): textnn's `--vote-with`.
# It starts "textnn": a textnn method, and a candidate for the UCI and MR targets (its only
# pretrained vectors are the fine-tuned member's GloVe 50d).
SENTENCE_VOTE_ROW = "textnn soft vote of nbsvm and the fine-tuned textcnn"


VOTE_ROWS = (VOTE_ROW, SENTENCE_VOTE_ROW)


def checkpoint_share(overhead: dict) -> float:
    """One checkpoint's seconds over an epoch's, the faster epoch (the first also compiles)."""
    return overhead["checkpoint_seconds"] / overhead["checkpoints"] / min(overhead["epoch_seconds"])

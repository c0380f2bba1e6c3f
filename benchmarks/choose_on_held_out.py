"""Choose between settings without looking at test data.

Data without an official split (uci_sentences, mr, subj, cr, mpqa, and bench_autotune's
ag_news_test): inside each of the first K folds of bench_accuracy's 10-fold split (seed 0),
10% of the fold's training part is held out as the judge; each setting (bench_accuracy's
SENTENCES with the given overrides) trains on the rest, with its own validation split, and is
scored on the judge. IMDb and bench_autotune's goemotions_single: the judge is 10% of the
official training split (K must be 1); IMDb's setting is bench_accuracy's `textcnn` row
(IMDB_DEFAULTS and IMDB_MODELS["textcnn"]) with the overrides.
With --plain, a setting is plain `textnn train`'s defaults with the overrides instead.
Prints the mean judge accuracy of each setting (with --vote, also of the soft vote of all the
settings' models, textnn.ensemble); the test split is never read.

    python benchmarks/choose_on_held_out.py uci_sentences 10 \\
        '{"init": "runs/demo", "train.learning_rate": 3e-4}' \\
        '{"init": "runs/imdb-self-trained", "train.learning_rate": 3e-4}'
    python benchmarks/choose_on_held_out.py mr 5 '{"train.refit": false}' '{"train.refit": true}'
    python benchmarks/choose_on_held_out.py imdb 1 '{}' '{"model_options": {"channels": 400}}'
    python benchmarks/choose_on_held_out.py imdb 1 --plain '{"model": "nbsvm"}' \\
        '{"model": "nbsvm", "model_options": {"alpha": 0.5}}'
    python benchmarks/choose_on_held_out.py goemotions_single 1 --plain \\
        '{"model": "nbsvm", "train.weight_decay": 0}' '{"model": "nbsvm"}'
    python benchmarks/choose_on_held_out.py mr 5 --vote '{"model": "nbsvm", "embeddings": null}' \\
        '{"init": "runs/imdb-sentences-textcnn", "train.learning_rate": 3e-4}'
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_accuracy import IMDB_DEFAULTS, IMDB_MODELS, SENTENCES, quiet, vote_accuracy
from bench_autotune import STAND_INS

from textnn.config import RunConfig
from textnn.data import load_dataset, stratified_kfold, train_validation_split
from textnn.data.dataset import Dataset
from textnn.runs.ensemble import Ensemble
from textnn.runs.pipeline import train

CROSS_VALIDATED = ("uci_sentences", "mr", "subj", "cr", "mpqa", "ag_news_test")
OFFICIAL_SPLIT = ("imdb", "goemotions_single")  # the judge: 10% of the training split


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", choices=[*CROSS_VALIDATED, *OFFICIAL_SPLIT])
    parser.add_argument("folds", type=int, help="how many of the 10 folds to use (imdb: 1)")
    parser.add_argument("settings", nargs="+", type=json.loads, help="JSON overrides, one each")
    parser.add_argument(
        "--vote", action="store_true", help="also judge the soft vote of all the settings' models"
    )
    parser.add_argument(
        "--plain", action="store_true", help="over plain `textnn train` defaults, not a bench row"
    )
    args = parser.parse_args()
    if args.data in OFFICIAL_SPLIT and args.folds != 1:
        parser.error(f"{args.data} has one judge (10%% of its training split): give 1 fold")
    data = STAND_INS[args.data]() if args.data in STAND_INS else load_dataset(args.data)
    examples = data.train
    if args.data in OFFICIAL_SPLIT:
        base = {**IMDB_DEFAULTS, **IMDB_MODELS["textcnn"], "model": "textcnn"}
        parts = [np.arange(len(examples))]
    else:
        base = {**SENTENCES, "data.name": args.data}
        parts = [train_idx for train_idx, _ in stratified_kfold(examples.labels, 10, seed=0)]
    if args.plain:
        base = {"data.name": args.data}
    scores: list[list[float]] = [[] for _ in args.settings]
    votes: list[float] = []
    for k, train_idx in enumerate(parts[: args.folds]):
        rest, judge = train_validation_split(examples.subset(train_idx), 0.1, seed=123)
        fold = Dataset(args.data, data.label_names, {"train": rest, "test": judge})
        predictors = []
        for runs, overrides in zip(scores, args.settings, strict=True):
            values = {**base, **overrides}
            result = train(RunConfig().with_overrides(values), None, dataset=fold, echo=quiet)
            runs.append(result.report["accuracy"])
            predictors.append(result.predictor)
        if args.vote:
            votes.append(vote_accuracy(Ensemble(predictors), judge, data.label_names))
        print(f"fold {k}: " + ", ".join(f"{s[-1]:.4f}" for s in [*scores, votes] if s), flush=True)
    for overrides, runs in zip(args.settings, scores, strict=True):
        print(f"{json.dumps(overrides)}: judge accuracy {statistics.mean(runs):.4f}")
    if args.vote:
        print(f"soft vote of all of them: judge accuracy {statistics.mean(votes):.4f}")


if __name__ == "__main__":
    main()

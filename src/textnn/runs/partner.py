"""A second opinion for plain `textnn train` on small data: a TextCNN over word vectors trained
beside the n-gram model, kept as a soft vote with it when the vote scores better on validation.

Why: a bag of n-grams and a convolution over word vectors make different mistakes. On a few
thousand short texts the vote of the two is often better than either; autotune's searches
choose such votes more often than any single model, and plain defaults without one stayed 2-3
points behind them (docs/benchmarks.md). The partner is trained only where it is cheap (at
most `MOST_TOKENS` training tokens: seconds to a minute on a laptop's cores) and only kept
where validation says so; the run says what it did either way.

The partner is a run of its own under `RUN/members/`, named by the run's `vote.json` (as an
autotuned vote's members are), so predict, evaluate, explain, report and serve answer with
the vote.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np

from textnn.config import RunConfig
from textnn.data.dataset import Examples
from textnn.runs import manifest
from textnn.runs.adaptive import AUTO, DataProfile
from textnn.runs.directory import MEMBERS, VOTE_FILE, VOTE_FORMAT, finish_run, save_run
from textnn.runs.ensemble import Ensemble, vote
from textnn.runs.predictor import Predictor
from textnn.train.checkpoint import latest

PARTNER = "partner"  # the key of its config in the run's checkpoints
MOST_TOKENS = 1_000_000  # training tokens (texts x median length) up to which it is trained
FAMILY = "textcnn"
FOLDER = f"{MEMBERS}/partner-{FAMILY}"
GLOVE_TOKENS = {"glove-6b-50d": "glove"}  # built-in vectors -> the tokenizer they were made with


def partner_config(
    asked: RunConfig, profile: DataProfile, has_validation: bool
) -> RunConfig | None:
    """The partner's config, or None where there is none: only for a model left to the data
    ("auto"), one label per text, a validation split to decide on, no run to start from or
    teacher, no refit (the decision needs the validation split), and at most MOST_TOKENS
    training tokens. It is `asked` (the user's settings) with the TextCNN family."""
    small = profile.examples * max(profile.length_p50, 1) <= MOST_TOKENS
    if not (
        asked.model == AUTO
        and small
        and has_validation
        and not profile.multilabel
        and not asked.init
        and not asked.teacher
        and not asked.train.refit
    ):
        return None
    text = asked.text
    if text.tokenizer == RunConfig().text.tokenizer and asked.embeddings in GLOVE_TOKENS:
        text = dataclasses.replace(text, tokenizer=GLOVE_TOKENS[asked.embeddings])
    return dataclasses.replace(asked, model=FAMILY, text=text)


def train_partner(train: Callable, config: RunConfig, where: Path | None, dataset, echo, stop):
    """Train the partner (`train`: `runs.pipeline.train`) on the same data and split, into
    `where` (None: nowhere); a partner stopped by a crash goes on from its checkpoint, one
    that had none trains again from the start (the same result: runs are seeded)."""
    resume_from = None
    if where is not None and (found := latest(where)) is not None:
        arrays, state, _ = found
        resume_from = (arrays, state)
    result = train(
        config,
        where,
        dataset=dataset,
        echo=lambda line: echo(f"  {FAMILY}: {line}"),
        progress=False,
        overwrite=True,
        stop=stop,
        resume_from=resume_from,
    )
    return result  # a runs.pipeline.TrainResult


def validation_accuracy(labels: np.ndarray, probabilities: np.ndarray) -> float:
    return float((probabilities.argmax(axis=1) == labels).mean())


def decide(
    main: Predictor, partner: Predictor, validation: Examples, echo: Callable[[str], None]
) -> bool:
    """Whether the vote of `main` and `partner` scores better than `main` alone on the
    validation texts (accuracy; a tie keeps the single model, the cheaper one to serve)."""
    # each one's probabilities, the partner's columns in main's class order
    alone, theirs = Ensemble([main, partner]).member_probabilities(validation.texts)
    scores = [
        validation_accuracy(validation.labels, p) for p in (alone, theirs, vote([alone, theirs]))
    ]
    keep = scores[2] > scores[0]
    echo(
        f"validation accuracy: {main.model_name} {scores[0]:.4f}, {partner.model_name} "
        f"{scores[1]:.4f}, their vote {scores[2]:.4f}: "
        + ("the run answers with the vote" if keep else f"the run keeps {main.model_name} alone")
    )
    return keep


def commit_vote(out: Path) -> None:
    """Name the partner in the run's vote file (part of its manifest)."""
    document = {"format": VOTE_FORMAT, "version": 1, "members": [FOLDER]}
    manifest.commit(
        out, {VOTE_FILE: (json.dumps(document, indent=2) + "\n").encode()}, finished=False
    )


def save_with_partner(out: Path, outputs: Ensemble, configs: list[RunConfig], data: str) -> None:
    """Write a run that answers with the vote `outputs` of a model and its partner (`configs`:
    theirs), as `train` writes one (TextClassifier.save)."""
    main, partner = outputs.predictors
    save_run(out / FOLDER, partner, dataset=data, config_dict=configs[1].to_dict())
    finish_run(out / FOLDER, None)
    save_run(out, main, dataset=data, config_dict=configs[0].to_dict(), finished=False)
    commit_vote(out)
    finish_run(out, None)


def drop(out: Path | None) -> None:
    """Remove a partner that the vote did not keep."""
    if out is not None and (out / FOLDER).is_dir():
        shutil.rmtree(out / FOLDER)

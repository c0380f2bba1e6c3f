"""A second opinion for plain `textnn train` on small data: a TextCNN over word vectors trained
beside the n-gram model, kept as a soft vote with it when the vote scores better on validation,
or answering alone when it does better than both (the n-gram model is weak on short texts of
many classes).

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
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from textnn.config import RunConfig
from textnn.data.dataset import Examples
from textnn.runs import manifest
from textnn.runs.adaptive import AUTO, DataProfile
from textnn.runs.directory import MEMBERS, VOTE_FILE, VOTE_FORMAT, finish_run, save_run
from textnn.runs.ensemble import Ensemble, vote
from textnn.runs.predictor import Predictor

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


def validation_accuracy(labels: np.ndarray, probabilities: np.ndarray) -> float:
    return float((probabilities.argmax(axis=1) == labels).mean())


# How the run may answer, in order of preference on a tie (the cheaper first; a model of
# weight 0 is not asked): the weights of the main model and of its partner.
CHOICES = (((1.0, 0.0), "{main} alone"), ((0.0, 1.0), "{partner} alone"), ((0.5, 0.5), "the vote"))


def decide(
    main: Predictor, partner: Predictor, validation: Examples, echo: Callable[[str], None]
) -> tuple[float, float] | None:
    """How the run answers: with `main` alone (None), or with the weights of `main` and
    `partner` in a vote: (0.0, 1.0), the partner alone (where `main` is weak: short texts of
    many classes), or (0.5, 0.5), their soft vote. The best on the validation texts' accuracy;
    a tie keeps the cheaper (main alone, then the partner alone)."""
    # each one's probabilities, the partner's columns in main's class order
    alone, theirs = Ensemble([main, partner]).member_probabilities(validation.texts)
    main_score, partner_score, vote_score = (
        validation_accuracy(validation.labels, vote([alone, theirs], weights))
        for weights, _ in CHOICES
    )
    scores = (main_score, partner_score, vote_score)
    best = max(range(len(CHOICES)), key=lambda i: (scores[i], -i))
    names = {"main": main.model_name, "partner": partner.model_name}
    echo(
        f"validation accuracy: {main.model_name} {main_score:.4f}, {partner.model_name} "
        f"{partner_score:.4f}, their vote {vote_score:.4f}: the run answers with "
        + CHOICES[best][1].format(**names)
    )
    return None if best == 0 else CHOICES[best][0]


def commit_vote(out: Path, weights: Sequence[float] = (0.5, 0.5)) -> None:
    """Name the partner in the run's vote file (part of its manifest), with the weights of the
    run's model and its partner where they differ."""
    document = {"format": VOTE_FORMAT, "version": 1, "members": [FOLDER]}
    if len(set(weights)) > 1:
        document["weights"] = list(weights)
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
    commit_vote(out, outputs.weights)
    finish_run(out, None)

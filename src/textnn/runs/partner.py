"""Second opinions for plain `textnn train` on small data: a TextCNN and a BiLSTM over word
vectors, trained beside the n-gram model. The run answers with the soft vote of the two, the
nbsvm it keeps and the nbsvm fit it passed over (runs/rival.py: with its weight decay or
without), unless a vote grown greedily from the kept nbsvm (it alone, or it and one or two of
the others) is clearly better on validation.

Why: a bag of n-grams, a convolution and a recurrent network over word vectors make different
mistakes. On a few thousand short texts their vote is often better than any of them; autotune's
searches choose such votes more often than any single model, and plain defaults without them
stayed 2-3 points behind it (docs/benchmarks.md). The rule was chosen on held-out parts of the
training splits of six datasets, never their test parts (`benchmarks/choose_partners.py`):
0.8077 on average, against 0.8040 for the rule before it (the vote of the four unless nbsvm
alone is clearly better by one standard deviation): equal on four, +1.3 points on MR (where
the looser margin let nbsvm answer alone) and +1.0 on GoEmotions' single-label texts (28
classes, where the nbsvm fit without decay is far weaker and the grown vote leaves it out).
A choice among more answers (each model alone, each vote of them) scored lower: on a few
hundred validation texts the best of many answers is often the luckiest, not the best, so the
vote of all is kept unless another is better by over three standard deviations.

The partners are trained only where they are cheap (at most `MOST_TOKENS` training tokens:
seconds to a minute each on a laptop's cores). Each voter is a run of its own under
`RUN/members/`, named by the run's `vote.json` (as an autotuned vote's members are), so
predict, evaluate, explain, report and serve answer with the vote; the run says what it did
either way.
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
from textnn.runs.beside import drop_member, train_beside
from textnn.runs.directory import (
    LOG,
    MEMBERS,
    VOTE_FILE,
    VOTE_FORMAT,
    finish_run,
    prepare_run_dir,
    save_run,
)
from textnn.runs.ensemble import Ensemble, grown_vote, vote
from textnn.runs.predictor import Predictor
from textnn.vectors.made_with import made_with

Echo = Callable[[str], None]
PARTNER = "partner"  # the key of their configs in the run's checkpoints
MOST_TOKENS = 1_000_000  # training tokens (texts x median length) up to which they are trained
GROWN = 3  # most voters of a vote grown from the kept nbsvm (as autotune's: tune/choose.py)
# how clearly it must beat the vote of all, in standard deviations (`clearly_better`): 3 scored
# better on the held-out judges than 1 (benchmarks/choose_partners.py), as for autotune's answer
CLEARLY = 3.0
# each partner's family and its options: autotune's first trial of that family (tune/space.py)
FAMILIES: dict[str, dict] = {
    "textcnn": {},
    "bilstm": {"hidden": 64, "head": "max", "dropout": 0.2},
}


def folder(family: str) -> str:
    """A partner's run folder inside the run."""
    return f"{MEMBERS}/partner-{family}"


def partner_configs(
    asked: RunConfig, profile: DataProfile, has_validation: bool
) -> list[RunConfig]:
    """The partners' configs, or none: only for a model left to the data ("auto"), one label
    per text, a validation split to decide on, no run to start from or teacher, no refit (the
    decision needs the validation split), and at most MOST_TOKENS training tokens. Each is
    `asked` (the user's settings) with a family of FAMILIES and its options."""
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
        return []
    text = asked.text
    tokens = made_with(asked.embeddings)  # the vectors' own tokens, where the user left them
    if text.tokenizer == RunConfig().text.tokenizer and tokens is not None:
        text = dataclasses.replace(text, tokenizer=tokens)
    return [
        dataclasses.replace(
            asked, model=family, text=text, model_options={**options, **asked.model_options}
        )
        for family, options in FAMILIES.items()
    ]


def validation_accuracy(labels: np.ndarray, probabilities: np.ndarray) -> float:
    return float((probabilities.argmax(axis=1) == labels).mean())


def clearly_better(
    labels: np.ndarray, alone: np.ndarray, voted: np.ndarray, deviations: float = 1.0
) -> bool:
    """Whether the model alone (probabilities `alone` <float32>[n, classes]) is clearly better
    than the vote (`voted`) on texts of `labels` <int>[n]: of the texts that one of them gets
    right and the other wrong, it gets more right by over `deviations` standard deviations of
    that count (sqrt(b + c), as McNemar's test has it). A margin that follows from the data: on
    a few hundred validation texts a point or two of accuracy is noise."""
    right_alone = alone.argmax(axis=1) == labels
    right_voted = voted.argmax(axis=1) == labels
    only_alone = int(np.sum(right_alone & ~right_voted))
    only_voted = int(np.sum(right_voted & ~right_alone))
    return only_alone - only_voted > deviations * np.sqrt(only_alone + only_voted)


def fit_name(config: RunConfig) -> str:
    """A voter's name in the run's lines: its model, and an nbsvm's weight decay."""
    if config.model != "nbsvm" or config.train.weight_decay is None:
        return config.model
    decay = config.train.weight_decay
    return f"nbsvm ({'no decay' if decay == 0 else f'decay {decay:g}'})"


def chosen_voters(labels: np.ndarray, each: Sequence[np.ndarray], deviations: float) -> list[int]:
    """Which voters answer, given each one's validation probabilities `each` (<float32>[n,
    classes], the kept nbsvm first) on texts of `labels` <int>[n]: all of them, unless the vote
    grown greedily from the first (runs/ensemble.py's `grown_vote`: it alone, or it and up to
    GROWN - 1 others) is clearly better than their vote (`clearly_better`, by `deviations`).
    Indices into `each`, in order; [0]: the first alone."""
    grown, _ = grown_vote(each, lambda p: validation_accuracy(labels, p), 0, GROWN)
    if clearly_better(labels, vote([each[i] for i in grown]), vote(each), deviations):
        return sorted(grown)  # never all of them: a vote is not clearly better than itself
    return list(range(len(each)))


def decide(
    main: Predictor,
    others: Sequence[Predictor],
    names: Sequence[str],
    validation: Examples,
    echo: Echo,
) -> list[int]:
    """Which of the `others` vote with `main` on the run's answer (`chosen_voters`: all of
    them, none where `main` alone is clearly better on the validation texts, or some where
    their vote with it is). Says each one's validation accuracy (`names`: main's, then the
    others') and what answers."""
    voters = Ensemble([main, *others])
    each = voters.member_probabilities(validation.texts)  # columns in main's class order
    labels = validation.labels
    scores = [validation_accuracy(labels, p) for p in each]
    chosen = chosen_voters(labels, each, CLEARLY)
    listed = ", ".join(f"{name} {score:.4f}" for name, score in zip(names, scores, strict=True))
    if chosen == [0]:
        answer = f"{names[0]} alone (clearly better)"
    elif len(chosen) == len(each):
        answer = "the vote"
    else:
        some = vote([each[i] for i in chosen])
        answer = (
            f"the vote of {' and '.join(names[i] for i in chosen)} "
            f"({validation_accuracy(labels, some):.4f}, clearly better)"
        )
    echo(
        f"validation accuracy: {listed}, their vote "
        f"{validation_accuracy(labels, vote(each)):.4f}: the run answers with {answer}"
    )
    return [i - 1 for i in chosen[1:]]


def train_partners(train, partners: Sequence[dict], out: Path | None, dataset, echo, stop):
    """Each partner (its config's dict) trained beside the run in `out` (None: nowhere) into
    its folder (`train`: `runs.pipeline.train`); their `TrainResult`s."""
    trained = []
    for settings in partners:
        family = settings["model"]
        where = None if out is None else out / folder(family)
        config = RunConfig.from_dict(settings)
        trained.append(train_beside(train, config, where, dataset, echo, stop, family))
    return trained


def keep_members(out: Path, voters: Sequence, passed_over, data: str, report_of: Callable) -> None:
    """Name the `voters` (`TrainResult`s: the partners, written where they trained, and
    `passed_over`, the nbsvm fit the run did not keep, or None) in the run's vote file; write
    `passed_over` into its folder first, with its epochs' log and its test report
    (`report_of(predictor)` where it has none), over anything a crash left there."""
    if passed_over is not None:
        where = out / folder(passed_over.config.model)
        prepare_run_dir(where, overwrite=True)
        config = passed_over.config.to_dict()
        save_run(where, passed_over.predictor, dataset=data, config_dict=config)
        log = "".join(json.dumps(record) + "\n" for record in passed_over.history.epochs)
        (where / LOG).write_text(log, encoding="utf-8")
        report = passed_over.report
        finish_run(where, report if report is not None else report_of(passed_over.predictor))
    commit_vote(out, [voter.config.model for voter in voters])


def drop_members(out: Path | None, voters: Sequence) -> None:
    for voter in voters:
        drop_member(out, folder(voter.config.model))


def commit_vote(out: Path, families: Sequence[str]) -> None:
    """Name the partners of `families` in the run's vote file (part of its manifest)."""
    document = {"format": VOTE_FORMAT, "version": 1, "members": [folder(f) for f in families]}
    manifest.commit(
        out, {VOTE_FILE: (json.dumps(document, indent=2) + "\n").encode()}, finished=False
    )


def save_with_partners(out: Path, outputs: Ensemble, configs: list[RunConfig], data: str) -> None:
    """Write a run that answers with the vote `outputs` of a model and its partners
    (`configs`: theirs, the model's first), as `train` writes one (TextClassifier.save)."""
    main, *partners = outputs.predictors
    for partner, config in zip(partners, configs[1:], strict=True):
        save_run(out / folder(config.model), partner, dataset=data, config_dict=config.to_dict())
        finish_run(out / folder(config.model), None)
    save_run(out, main, dataset=data, config_dict=configs[0].to_dict(), finished=False)
    commit_vote(out, [config.model for config in configs[1:]])
    finish_run(out, None)

"""The end of a search: how much time to keep for it, the best trial or the soft vote chosen on
validation, and the chosen models trained again on all the training data.

Why the plain run's vote comes first: picking the best of many answers on a few hundred
validation texts picks the luckiest one, and it then does worse on new texts than a fixed vote
(benchmarks/choose_partners.py measured it for plain `train`'s answer, and
benchmarks/choose_autotune.py for this one). So the search answers with the soft vote of its
first trials, plain `train`'s own fits (tune/space.py), unless the vote grown greedily from its
best trials is clearly better on validation (runs/partner.py's `clearly_better`). On
multi-label data plain `train` fits one model (runs/adaptive.py), so there is no plain vote to
prefer: the search answers with the grown vote, each label decided at the threshold chosen on
validation for it (`answer_thresholds`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from textnn.config import RunConfig
from textnn.data.dataset import Examples
from textnn.runs.ensemble import Ensemble, grown_vote, vote
from textnn.runs.partner import clearly_better
from textnn.runs.pipeline import train
from textnn.runs.predictor import Outputs, Predictor
from textnn.train.thresholds import tune_thresholds
from textnn.tune.budget import Deadline
from textnn.tune.scores import score
from textnn.tune.space import PLAIN_TRIALS

VOTE_SIZE = 3  # most members of the soft vote
# How clearly the greedy answer must beat the plain vote on validation, in standard deviations
# (runs/partner.py's `clearly_better`): it was chosen from many, so its lead there is partly
# luck. Held-out judges of seven datasets (benchmarks/choose_autotune.py, 25 searches: 60 s,
# GoEmotions' 600 s): mean 0.8286 with a margin of 1, 0.8295 with 2, 0.8297 with 3, 0.8287
# for the plain vote always, 0.8253 for the greedy answer always. Two favour the greedy
# answer (GoEmotions' 28 classes: 0.5744 against 0.5696 with 3; MPQA: 0.8648 against 0.8630),
# the other five the margin.
CLEARLY = 3.0


@dataclass
class Candidate:
    """A finished trial whose model is kept: its config, model and validation outputs."""

    number: int
    config: RunConfig
    predictor: Predictor
    probabilities: np.ndarray  # <float32>[validation texts, classes]
    score: float
    best_epoch: int | None
    epochs: list[dict]
    seconds: float
    refitted: bool = False


def reserve(deadline: Deadline, kept: list[Candidate]) -> float:
    """Seconds to keep for the end: refitting the best few trials (their time again, on more
    data), at least a tenth of the budget and at most two fifths."""
    budget = deadline.end - deadline.start
    refit = max(sum(refit_seconds(c) for c in group) for group in (kept[:VOTE_SIZE], plain(kept)))
    return min(max(0.1 * budget, refit), 0.4 * budget)


def plain(kept: list[Candidate]) -> list[Candidate]:
    """The kept trials that are plain `train`'s fits (the first PLAIN_TRIALS), best first."""
    return [c for c in kept if c.number < PLAIN_TRIALS]


def refit_seconds(c: Candidate) -> float:
    """About what training `c`'s config again on train + validation for its best epoch count
    takes: its own time, scaled to those epochs and to a quarter more data."""
    return c.seconds * (c.best_epoch or 1) / max(len(c.epochs), 1) * 1.3


def choose(kept: list[Candidate], labels: np.ndarray, metric: str, deviations: float = CLEARLY):
    """(members, their validation score, why): the soft vote of the plain run's fits among
    `kept` (best first), unless `selected`'s answer is clearly better than it on the
    validation texts of `labels` <int>[n] (or fewer than two of those fits finished)."""
    greedy, best = selected(kept, labels, metric)
    if labels.ndim == 2:
        return greedy, best, "the best on validation; multi-label: plain train fits one model"
    fits = plain(kept)
    if len(fits) < 2 or {c.number for c in fits} == {c.number for c in greedy}:
        return greedy, best, "the best on validation"
    greedy_probabilities = vote([m.probabilities for m in greedy])
    fits_probabilities = vote([m.probabilities for m in fits])
    if clearly_better(labels, greedy_probabilities, fits_probabilities, deviations):
        return greedy, best, "clearly better on validation than the vote of plain train's fits"
    return fits, score(metric, labels, fits_probabilities), "the vote of plain train's fits"


def selected(kept: list[Candidate], labels: np.ndarray, metric: str):
    """The best trial alone, or a soft vote grown greedily from it (runs/ensemble.py's
    `grown_vote`): each step adds the kept trial that raises the validation score most, up to
    VOTE_SIZE members, while it rises."""
    indices, best = grown_vote(
        [c.probabilities for c in kept],
        lambda probabilities: score(metric, labels, probabilities),
        0,
        VOTE_SIZE,
        kept[0].score,
    )
    return [kept[i] for i in indices], best


def refit(members, train_all: Examples, trial_data, deadline: Deadline, echo) -> int:
    """Train the chosen configs again on train + validation for their best epoch counts, best
    first, each while the time its trial took says it fits in what is left; the others stay
    as trained on the training part. Returns how many were refitted."""
    done = 0
    for member in members:
        if refit_seconds(member) > deadline.left():
            break
        config = member.config.with_overrides(
            {
                "data.validation_fraction": 0.0,
                "train.epochs": member.best_epoch or len(member.epochs),
                "train.patience": 0,
            }
        )
        member.predictor = train(config, None, dataset=trial_data, echo=_quiet).predictor
        member.config, member.refitted = config, True
        done += 1
    echo(
        f"refitted {done} of {len(members)} chosen models on all {len(train_all):,} training "
        f"texts, each for its best epoch count ({deadline.left():.0f} s left)"
        + ("" if done == len(members) else "; the others: as trained on the training part")
    )
    return done


def answer_thresholds(members: list[Candidate], labels: np.ndarray) -> np.ndarray | None:
    """<float32>[classes]: for multi-label `labels` <float32>[n, classes], each label's
    best-F1 threshold for the members' vote on the validation texts (tune/scores.py judged
    them so); None for single-label data."""
    if labels.ndim == 1:
        return None
    return tune_thresholds(labels, vote([m.probabilities for m in members]))


def outputs_of(members: list[Candidate], thresholds: np.ndarray | None = None) -> Outputs:
    """The answer: the one member's model, or the soft vote of them all; `thresholds` (a
    multi-label answer's, `answer_thresholds`) decide its labels."""
    if len(members) == 1:
        if thresholds is not None:
            members[0].predictor.thresholds = thresholds
        return members[0].predictor
    return Ensemble(
        [m.predictor for m in members], [f"trial {m.number}" for m in members], None, thresholds
    )


def _quiet(_: str) -> None:
    pass

"""The end of a search: how much time to keep for it, the best trial or the soft vote chosen on
validation, and the chosen models trained again on all the training data."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from textnn.config import RunConfig
from textnn.data.dataset import Examples
from textnn.runs.ensemble import Ensemble, vote
from textnn.runs.pipeline import train
from textnn.runs.predictor import Outputs, Predictor
from textnn.tune.budget import Deadline
from textnn.tune.scores import score

VOTE_SIZE = 3  # most members of the soft vote


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
    refit = sum(refit_seconds(c) for c in kept[:VOTE_SIZE])
    return min(max(0.1 * budget, refit), 0.4 * budget)


def refit_seconds(c: Candidate) -> float:
    """About what training `c`'s config again on train + validation for its best epoch count
    takes: its own time, scaled to those epochs and to a quarter more data."""
    return c.seconds * (c.best_epoch or 1) / max(len(c.epochs), 1) * 1.3


def choose(kept: list[Candidate], labels: np.ndarray, metric: str):
    """The best trial alone, or a soft vote grown greedily from it (Caruana et al. 2004's
    ensemble selection, without repeats): each step adds the kept trial that raises the
    validation score most, up to VOTE_SIZE members, while it rises."""
    members = [kept[0]]
    best = kept[0].score
    while len(members) < VOTE_SIZE:
        trials = [c for c in kept if c not in members]
        scored = [
            (score(metric, labels, vote([m.probabilities for m in [*members, c]])), c)
            for c in trials
        ]
        if not scored:
            break
        value, candidate = max(scored, key=lambda pair: pair[0])
        if value <= best:
            break
        members, best = [*members, candidate], value
    return members, best


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


def outputs_of(members: list[Candidate]) -> Outputs:
    if len(members) == 1:
        return members[0].predictor
    return Ensemble([m.predictor for m in members], [f"trial {m.number}" for m in members])


def _quiet(_: str) -> None:
    pass

"""How autotune judges a trial: on one validation split carved from the training data, or, when
the training data is small and the budget allows, by k-fold cross-validation over all of it.

Why k folds on small data: 20% of 2,000 texts is 400 validation texts, whose accuracy moves by
about 2 points between two draws of them, more than most trials differ by; the search then
chases noise. With k folds every training text is judged once, by a model that did not train
on it (its out-of-fold prediction), so a trial's score rests on all the texts, and so does the
choice of the vote, which compares the trials' out-of-fold predictions. The price: each trial
trains k times, so only a search with time for it (KFOLD_BUDGET) uses it by default. The first
fold reports its epochs to the pruner and after each later fold the running score is reported
again, so a poor trial stops early; the chosen models are trained again on all the data (the
refit), which the search keeps time for.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from textnn.config import RunConfig
from textnn.data import stratified_kfold, train_validation_split
from textnn.data.dataset import Dataset, Examples
from textnn.runs.pipeline import TrainResult, train
from textnn.tune.scores import score

SMALL = 5_000  # training splits under this many texts: k folds (or a larger held-out share)
FOLDS = 5
# k folds cost k fits a trial: below this budget (seconds) a search holds out one split. Measured
# (docs/benchmarks.md): with 60 s on CR's 3,000 training texts, 5 folds left time for 3 trials
# (nbsvm, fastText, a TextCNN cut by the deadline) and none refitted, against 5-9 trials and a
# refit with one split; cross-validation pays where the search has time for the families.
KFOLD_BUDGET = 600.0
FOLD_STEP = 1_000  # the pruner's step for "after fold i": past any epoch number


@dataclass
class Judged:
    """A trial's outcome: its first fold's run (the model kept if it is not refitted), its
    validation probabilities (out-of-fold ones with k folds) and their score."""

    first: TrainResult
    probabilities: np.ndarray  # <float32>[judge.labels, classes]
    value: float
    best_epoch: int | None  # the folds' median best epoch
    seconds_per_fit: float


class Judge:
    """One held-out validation split (`folds` 1: `fraction` of `train_all`, as the pipeline
    carves it with `seed`) or `folds` stratified folds of `train_all`."""

    def __init__(
        self,
        name: str,
        labels: list[str],
        train_all: Examples,
        fraction: float,
        seed: int,
        folds: int,
    ):
        self.folds = folds
        self.train_all = train_all
        if folds == 1:
            # the pipeline carves this same split from `train_all` (same fraction and seed)
            _, val = train_validation_split(train_all, fraction, seed=seed)
            self.datasets = [Dataset(name, labels, {"train": train_all})]
            self.held_out = [np.arange(len(val))]
            self.validation = [val]
            self.labels = val.labels
        else:
            pairs = stratified_kfold(train_all.labels, k=folds, seed=seed)
            self.datasets = [
                Dataset(
                    name,
                    labels,
                    {"train": train_all.subset(part), "validation": train_all.subset(held)},
                )
                for part, held in pairs
            ]
            self.held_out = [held for _, held in pairs]
            self.validation = [d["validation"] for d in self.datasets]
            self.labels = train_all.labels

    @property
    def texts(self) -> int:
        """How many validation texts a trial's score rests on."""
        return len(self.labels)

    def describe(self) -> str:
        if self.folds == 1:
            return f"{len(self.train_all) - self.texts:,} training and {self.texts:,} validation"
        return (
            f"{len(self.train_all):,} training texts in {self.folds}-fold cross-validation "
            "(each trial trains once per fold; its score is that of its out-of-fold predictions "
            "of all"
        )

    def run(
        self,
        config: RunConfig,
        metric: str,
        stop,
        on_epoch: Callable[[dict], None],
        after_fold: Callable[[int, float], None],
    ) -> Judged:
        """Train `config` on each fold (`on_epoch` gets the first fold's epochs; `after_fold(i,
        running score)` follows every later fold and may raise to end the trial)."""
        probabilities, first, best_epochs, started = None, None, [], time.perf_counter()
        for number, (data, held, val) in enumerate(
            zip(self.datasets, self.held_out, self.validation, strict=True)
        ):
            result = train(
                config,
                None,
                dataset=data,
                echo=_quiet,
                progress=False,
                stop=stop,
                on_epoch=on_epoch if number == 0 else None,
            )
            fold = result.predictor.predict_proba(val.texts)
            if probabilities is None:
                probabilities = np.zeros((self.texts, fold.shape[1]), np.float32)
                first = result
            probabilities[held] = fold
            best_epochs.append(result.history.best_epoch or len(result.history.epochs))
            if number > 0:
                done = np.concatenate(self.held_out[: number + 1])
                after_fold(number, score(metric, self.labels[done], probabilities[done]))
        value = score(metric, self.labels, probabilities)
        return Judged(
            first,
            probabilities,
            value,
            int(np.median(best_epochs)),
            (time.perf_counter() - started) / self.folds,
        )


def folds_for(examples: int, asked: int | None, budget: float) -> int:
    """The folds of a search over `examples` training texts with `budget` seconds: `asked`,
    else FOLDS under SMALL texts when the budget is at least KFOLD_BUDGET, and one held-out
    split otherwise."""
    if asked is not None:
        return asked
    return FOLDS if examples < SMALL and budget >= KFOLD_BUDGET else 1


def _quiet(_: str) -> None:
    pass

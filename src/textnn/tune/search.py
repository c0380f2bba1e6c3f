"""The search: trials of model families under a wall-clock budget, judged on a validation
split carved from the training data, then the best model or soft vote, refitted on all the
training data when the budget allows, and the test split read once, at the end.

Search library: Optuna (TPE sampler seeded from the run's seed, percentile pruner on each
epoch's validation accuracy): a well-kept, define-by-run search whose conditional spaces suit
families with different settings. Trials run one at a time: on a few cores a second one would
halve the speed of each.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import optuna

from textnn.config import RunConfig
from textnn.data import train_validation_split
from textnn.data.dataset import Dataset, Examples
from textnn.errors import DataError
from textnn.runs.adaptive import DataProfile
from textnn.runs.data import named_dataset, split_data, with_absolute_paths
from textnn.runs.directory import prepare_run_dir
from textnn.runs.ensemble import Ensemble, vote
from textnn.runs.evaluate import evaluate
from textnn.runs.pipeline import train
from textnn.runs.predictor import Outputs, Predictor
from textnn.text.tokenize import Tokenizer
from textnn.train.signals import Interrupted
from textnn.tune.budget import Deadline
from textnn.tune.output import write_autotune_run
from textnn.tune.scores import METRICS, score
from textnn.tune.space import enqueued, first_trials, suggest

Echo = Callable[[str], None]
SMALL = 5_000  # training splits under this many texts hold out a larger validation share
KEEP = 5  # trials whose models stay in memory, for the vote
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


@dataclass
class AutotuneResult:
    outputs: Outputs  # the chosen model, or the soft vote of several
    members: list[Candidate]  # the chosen trials, best first
    trials: list[dict]  # one record per trial, as in autotune.jsonl
    validation_score: float
    report: dict | None  # the test evaluation
    seconds: float
    refitted: int  # how many of the members were trained again on train + validation
    label_names: list[str] = field(default_factory=list)


def autotune(
    config: RunConfig,
    out: str | Path | None,
    *,
    budget: float,
    metric: str = "accuracy",
    dataset: Dataset | None = None,
    echo: Echo = print,
    overwrite: bool = False,
    pruner: optuna.pruners.BasePruner | None = None,
) -> AutotuneResult:
    """Search for `budget` seconds (wall clock, data loading and compiling included; a trial
    in hand stops at the deadline) for the model that scores best by `metric` on validation
    data, and write it to `out` as a run directory (None: write nothing). `config` gives the
    data and the seed; its model settings are what the search replaces. `pruner`: Optuna's
    pruner of trials by their epochs' validation accuracy (default: a 25th-percentile pruner)."""
    if metric not in METRICS:
        raise DataError(
            f"metric must be one of {', '.join(METRICS)}, got {metric!r}", field="metric"
        )
    optuna.logging.set_verbosity(optuna.logging.WARNING)  # the table says what each trial did
    deadline = Deadline(budget)
    try:
        return _autotune(config, out, deadline, metric, dataset, echo, overwrite, pruner)
    finally:
        deadline.cancel()


def _autotune(config, out, deadline, metric, dataset, echo, overwrite, pruner) -> AutotuneResult:
    config = with_absolute_paths(config.validated())
    if out is not None:
        out = Path(out)
        prepare_run_dir(out, overwrite)
    dataset = dataset or named_dataset(config)
    if dataset.multilabel:
        raise DataError(
            f"{config.data.name} is multi-label: autotune takes single-label data only for now; "
            "train a model with `textnn train` (every family learns multi-label data)"
        )
    whole = dataclasses.replace(config.data, validation_fraction=0.0)
    label_names, train_all, _, test = split_data(
        dataclasses.replace(config, data=whole), echo, dataset
    )
    seed = config.train.seed
    fraction = config.data.validation_fraction
    if len(train_all) < SMALL:
        fraction = max(fraction, 0.2)
    train_part, val = train_validation_split(train_all, fraction, seed=seed)
    profile = DataProfile.of(train_part.texts, train_part.labels, Tokenizer("words"))
    echo(
        f"autotune on {len(train_part):,} training and {len(val):,} validation texts "
        f"({fraction:.0%} held out), {len(label_names)} classes; budget "
        f"{deadline.left():.0f} s; judged by validation {metric}; the test split is read "
        "once, at the end"
    )
    # Trials see the training data only: the pipeline carves the same validation split.
    trial_data = Dataset(dataset.name, label_names, {"train": train_all})
    base = config.with_overrides(
        {"data.validation_fraction": fraction, "data.test_fraction": 0.0, "train.refit": False}
    )
    study = optuna.create_study(
        direction="maximize",
        sampler=optuna.samplers.TPESampler(seed=seed),
        # Families learn at different speeds, so a trial is stopped only when its epoch's
        # validation accuracy is in the bottom quarter of the other trials' at that epoch.
        pruner=pruner
        or optuna.pruners.PercentilePruner(25.0, n_startup_trials=5, n_warmup_steps=2),
    )
    for params in first_trials():
        study.enqueue_trial(enqueued(params))
    records: list[dict] = []
    kept: list[Candidate] = []
    table = _Table(echo, metric)

    def objective(trial: optuna.Trial) -> float:
        trial_config = suggest(trial, profile, base)
        started = time.perf_counter()
        record = {"trial": trial.number, "model": trial_config.model, "params": trial.params}

        def report(epoch_record: dict) -> None:
            trial.report(epoch_record["val_accuracy"], epoch_record["epoch"])
            if trial.should_prune():
                raise optuna.TrialPruned(f"pruned after epoch {epoch_record['epoch']}")

        try:
            result = train(
                trial_config,
                None,
                dataset=trial_data,
                echo=_quiet,
                progress=False,
                stop=deadline.passed,
                on_epoch=report,
            )
        except optuna.TrialPruned:
            record.update(state="pruned", seconds=round(time.perf_counter() - started, 1))
            records.append(table.row(record))
            raise
        except Interrupted:
            record.update(state="cut", seconds=round(time.perf_counter() - started, 1))
            records.append(table.row(record))
            raise optuna.TrialPruned("cut by the budget") from None
        except DataError as err:
            record.update(state="failed", error=str(err))
            records.append(table.row(record))
            raise optuna.TrialPruned(str(err)) from None
        probs = result.predictor.predict_proba(val.texts)
        value = score(metric, val.labels, probs)
        seconds = time.perf_counter() - started
        record.update(
            state="complete",
            validation=round(value, 5),
            best_epoch=result.history.best_epoch,
            epochs=len(result.history.epochs),
            seconds=round(seconds, 1),
            config=result.config.to_dict(),
        )
        records.append(table.row(record))
        candidate = Candidate(
            trial.number,
            result.config,
            result.predictor,
            probs,
            value,
            result.history.best_epoch,
            result.history.epochs,
            seconds,
        )
        kept.append(candidate)
        kept.sort(key=lambda c: -c.score)
        del kept[KEEP:]  # the rest are dropped: a search may train dozens of models
        return value

    table.header()
    # Leave time to refit and write: a share of the budget, at least the fastest trial so far.
    while deadline.left() > _reserve(deadline, kept):
        study.optimize(objective, n_trials=1, catch=())
    if not kept:
        states = [r["state"] for r in records]
        counts = ", ".join(f"{states.count(s)} {s}" for s in sorted(set(states)))
        raise DataError(
            f"no trial finished within the budget ({len(records)} trials: {counts or 'none'} "
            f"in {deadline.elapsed():.0f} s): give a larger --budget"
        )
    members, val_score = _choose(kept, val.labels, metric)
    names = ", ".join(f"trial {m.number} ({m.config.model})" for m in members)
    echo(
        f"chosen on validation: {'a soft vote of ' if len(members) > 1 else ''}{names}, "
        f"validation {metric} {val_score:.4f} ({len(records)} trials in "
        f"{deadline.elapsed():.0f} s)"
    )
    refitted = _refit(members, train_all, trial_data, deadline, echo)
    # Each member's config as its run records it: the user's data settings with the split the
    # search used, so that `textnn evaluate RUN` finds the same validation and test texts.
    data = dataclasses.replace(config.data, validation_fraction=fraction)
    for m in members:
        m.config = dataclasses.replace(
            m.config, data=data, train=dataclasses.replace(m.config.train, refit=m.refitted)
        )
    outputs = _outputs(members)
    report = None
    if test is not None:  # read here, once: every choice above was made on validation data
        probabilities = outputs.predict_proba(test.texts)
        report = evaluate(test.labels, probabilities, label_names)
    summary = {
        "chosen": [m.number for m in members],
        "validation": round(val_score, 5),
        "metric": metric,
        "refitted": refitted,
        "seconds": round(deadline.elapsed(), 1),
    }
    if out is not None:
        write_autotune_run(out, members, records, summary, report, config.data.name)
    seconds = deadline.elapsed()
    return AutotuneResult(
        outputs, members, records, val_score, report, seconds, refitted, label_names
    )


def _reserve(deadline: Deadline, kept: list[Candidate]) -> float:
    """Seconds to keep for the end: refitting the best few trials (their time again, on more
    data), at least a tenth of the budget and at most two fifths."""
    budget = deadline.end - deadline.start
    refit = sum(_refit_seconds(c) for c in kept[:VOTE_SIZE])
    return min(max(0.1 * budget, refit), 0.4 * budget)


def _refit_seconds(c: Candidate) -> float:
    """About what training `c`'s config again on train + validation for its best epoch count
    takes: its own time, scaled to those epochs and to a quarter more data."""
    return c.seconds * (c.best_epoch or 1) / max(len(c.epochs), 1) * 1.3


def _choose(kept: list[Candidate], labels: np.ndarray, metric: str):
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


def _refit(members, train_all: Examples, trial_data, deadline: Deadline, echo) -> int:
    """Train the chosen configs again on train + validation for their best epoch counts, best
    first, each while the time its trial took says it fits in what is left; the others stay
    as trained on the training part. Returns how many were refitted."""
    done = 0
    for member in members:
        if _refit_seconds(member) > deadline.left():
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


def _outputs(members: list[Candidate]) -> Outputs:
    if len(members) == 1:
        return members[0].predictor
    return Ensemble([m.predictor for m in members], [f"trial {m.number}" for m in members])


class _Table:
    """The live table of trials: one line each, with the best so far."""

    def __init__(self, echo: Echo, metric: str):
        self.echo, self.metric, self.best = echo, metric, None

    def header(self) -> None:
        self.echo(
            f"{'trial':>5}  {'model':<9} {'state':<9} {'val ' + self.metric:>14} "
            f"{'seconds':>7}  settings"
        )

    def row(self, record: dict) -> dict:
        value = record.get("validation")
        if value is not None and (self.best is None or value > self.best[0]):
            self.best = (value, record["trial"])
        settings = ", ".join(
            f"{k.split('_', 1)[-1] if k.startswith(record['model']) else k}={_short(v)}"
            for k, v in record["params"].items()
            if k != "model"
        )
        shown = f"{value:.4f}" if value is not None else "-"
        best = f"  best {self.best[0]:.4f} (trial {self.best[1]})" if self.best else ""
        self.echo(
            f"{record['trial']:>5}  {record['model']:<9} {record['state']:<9} {shown:>14} "
            f"{record.get('seconds', 0):>7.1f}  {settings}{best}"
        )
        return record


def _short(value) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _quiet(_: str) -> None:
    pass

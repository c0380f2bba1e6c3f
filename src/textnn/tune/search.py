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
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import optuna

from textnn.config import RunConfig
from textnn.data import train_validation_split
from textnn.data.dataset import Dataset
from textnn.errors import DataError
from textnn.runs.adaptive import DataProfile
from textnn.runs.data import named_dataset, split_data, unlabeled_texts, with_absolute_paths
from textnn.runs.directory import prepare_run_dir
from textnn.runs.evaluate import evaluate
from textnn.runs.predictor import Outputs
from textnn.runs.transfer import source_run
from textnn.text.tokenize import Tokenizer
from textnn.train.signals import Interrupted
from textnn.tune.budget import Deadline
from textnn.tune.choose import Candidate, answer_thresholds, choose, outputs_of, reserve
from textnn.tune.choose import refit as refit_members
from textnn.tune.judge import FOLD_STEP, SMALL, Judge, folds_for
from textnn.tune.output import write_autotune_run
from textnn.tune.own_vectors import LazyVectors
from textnn.tune.progress import SearchLog, load_state
from textnn.tune.restore import restored
from textnn.tune.scores import METRICS, default_metric, epoch_score
from textnn.tune.space import PLAIN_TRIALS, enqueued, first_trials, given_vectors, suggest
from textnn.tune.table import TrialTable
from textnn.tune.workers import Either, run_workers
from textnn.vectors.pretrained import check_vectors

Echo = Callable[[str], None]
KEEP = 5  # trials whose models stay in memory, for the vote


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
    # the trials whose models were kept (best first), the members among them (refitted or not)
    candidates: list[Candidate] = field(default_factory=list)
    # <int>[n] (multi-label: <float32>[n, classes]): the validation labels that the
    # candidates' probabilities were judged on
    validation_labels: np.ndarray | None = None
    # <float32>[classes]: a multi-label answer's thresholds, chosen on validation for it
    thresholds: np.ndarray | None = None
    metric: str = "accuracy"


def autotune(
    config: RunConfig,
    out: str | Path | None,
    *,
    budget: float,
    metric: str | None = None,
    dataset: Dataset | None = None,
    echo: Echo = print,
    overwrite: bool = False,
    pruner: optuna.pruners.BasePruner | None = None,
    stop: threading.Event | None = None,
    workers: int = 1,
    folds: int | None = None,
    refit: bool = True,
) -> AutotuneResult:
    """Search for `budget` seconds (wall clock, data loading and compiling included; a trial
    in hand stops at the deadline) for the model that scores best by `metric` on validation
    data, and write it to `out` as a run directory (None: write nothing). `config` gives the
    data and the seed; its model settings are what the search replaces. `metric` (None:
    accuracy, or macro F1 on multi-label data: `tune.scores.default_metric`). `pruner`: Optuna's
    pruner of trials by their epochs' validation accuracy (default: a 25th-percentile pruner).
    `stop` (a signal, `train.signals.stop_on_signals`): end the search after the step in hand
    with `Interrupted`; with `out`, `resume_autotune(out)` goes on from there. `workers`:
    trials run at once, each in a thread (for machines with cores to spare: each trial's steps
    already use every core XLA sees); with more than one, which trials the sampler draws
    depends on which finish first, so only `workers=1` repeats its trials exactly. `folds`:
    how trials are judged (`tune/judge.py`): 1, on one validation split held out from the
    training data; k > 1, by k-fold cross-validation over all of it; None: 5 folds under 5,000
    training texts with a budget of 10 minutes or more, else one split. `refit`: train the
    chosen models again on all the training data, as far as the budget allows (False: keep
    them as judged, trained on the training part)."""
    for name, value in (("workers", workers), ("folds", 1 if folds is None else folds)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise DataError(f"{name} must be a whole number from 1, got {value!r}", field=name)
    if metric is not None and metric not in METRICS:
        raise DataError(
            f"metric must be one of {', '.join(METRICS)}, got {metric!r}", field="metric"
        )
    return _within(
        budget,
        config=config,
        out=out,
        metric=metric,
        dataset=dataset,
        echo=echo,
        overwrite=overwrite,
        pruner=pruner,
        stop=stop,
        workers=workers,
        folds=folds,
        refit=refit,
    )


def resume_autotune(
    run_dir: str | Path,
    *,
    echo: Echo = print,
    dataset: Dataset | None = None,
    pruner: optuna.pruners.BasePruner | None = None,
    stop: threading.Event | None = None,
    workers: int = 1,
) -> AutotuneResult:
    """Go on with the search stopped in `run_dir` (a crash, a kill, Ctrl-C) with the budget it
    had left: its finished trials, the models kept for the vote and the queued trials are
    read back (`tune/progress.py`); the trial in hand at the stop is recorded as `killed`."""
    state = load_state(Path(run_dir))
    left = state["budget"] - state["elapsed"]
    echo(
        f"resuming the autotune in {run_dir}: {len(state['records'])} trials done in "
        f"{state['elapsed']:.0f} s, {max(left, 0):.0f} s of the {state['budget']:.0f} s budget "
        "left"
    )
    return _within(
        max(left, 1.0),
        config=RunConfig.from_dict(state["config"], where=str(Path(run_dir) / "search")),
        out=run_dir,
        metric=state["metric"],
        dataset=dataset,
        echo=echo,
        overwrite=True,
        pruner=pruner,
        resumed=state,
        stop=stop,
        workers=workers,
    )


def _within(seconds: float, **settings) -> AutotuneResult:
    """`_autotune(**settings)` with a deadline `seconds` from now."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)  # the table says what each trial did
    return _autotune(deadline=Deadline(seconds), **settings)


def _autotune(
    *,
    config: RunConfig,
    out: str | Path | None,
    deadline: Deadline,
    metric: str | None,
    dataset: Dataset | None,
    echo: Echo,
    overwrite: bool,
    pruner: optuna.pruners.BasePruner | None,
    resumed: dict | None = None,
    stop: threading.Event | None = None,
    workers: int = 1,
    folds: int | None = None,
    refit: bool = True,
) -> AutotuneResult:
    config = with_absolute_paths(config.validated())
    if config.embeddings is not None:  # the networks' trials would each fail on it
        check_vectors(config.embeddings)
    # a run that cannot start another is said now, not by each trial; its family places its
    # fine-tuning among the first trials (tune/space.py)
    source_model = source_run(config.init).model_name if config.init else None
    if out is not None:
        out = Path(out)
        if resumed is None:
            prepare_run_dir(out, overwrite)
    progress = SearchLog(out)
    dataset = dataset or named_dataset(config)
    whole = dataclasses.replace(config.data, validation_fraction=0.0)
    label_names, train_all, _, test = split_data(
        dataclasses.replace(config, data=whole), echo, dataset
    )
    multilabel = train_all.labels.ndim == 2
    metric = metric or default_metric(multilabel)
    seed = config.train.seed
    fraction = config.data.validation_fraction
    if len(train_all) < SMALL:
        fraction = max(fraction, 0.2)
    folds = (
        resumed.get("folds", 1) if resumed else folds_for(len(train_all), folds, deadline.left())
    )
    if folds > len(train_all):
        raise DataError(
            f"{folds} folds need at least {folds} training texts, got {len(train_all)}",
            field="folds",
        )
    judge = Judge(dataset.name, label_names, train_all, fraction, seed, folds)
    # what the trials learn from: the training part (all the training texts with k folds)
    train_part = train_all if folds > 1 else train_validation_split(train_all, fraction, seed)[0]
    profile = DataProfile.of(train_part.texts, train_part.labels, Tokenizer("words"))
    # Skip-gram vectors learn from the words of the training part (with k folds, of every
    # training text: each fold's trials saw the held-out texts' words, never their labels)
    # and of unlabelled text; never from the test split.
    own = LazyVectors([*train_part.texts, *unlabeled_texts(config, dataset)], seed, echo)
    echo(
        f"autotune on {judge.describe()} texts"
        + (f" ({fraction:.0%} held out)" if folds == 1 else ")")
        + f", {len(label_names)} {'labels (multi-label)' if multilabel else 'classes'}; budget "
        f"{deadline.left():.0f} s; judged by validation {metric}"
        + (" (each label at its best-F1 threshold)" if multilabel else "")
        + "; the test split is read once, at the end"
    )
    # Trials see the training data only: the pipeline carves the same validation split.
    trial_data = Dataset(dataset.name, label_names, {"train": train_all})
    base = config.with_overrides(
        {"data.validation_fraction": fraction, "data.test_fraction": 0.0, "train.refit": False}
    )
    study = optuna.create_study(
        storage=progress.storage(),
        study_name="autotune",
        load_if_exists=resumed is not None,
        direction="maximize",
        # a resumed search draws anew (its sampler's state was not saved), still seeded
        sampler=optuna.samplers.TPESampler(seed=seed + (len(resumed["records"]) if resumed else 0)),
        # Families learn at different speeds, so a trial is stopped only when its epoch's
        # validation accuracy is in the bottom quarter of the other trials' at that epoch.
        pruner=pruner
        or optuna.pruners.PercentilePruner(25.0, n_startup_trials=5, n_warmup_steps=2),
    )
    records: list[dict] = []
    kept: list[Candidate] = []
    table = TrialTable(echo, metric)
    before = 0.0  # seconds the search ran before this process (a resumed one)
    if resumed is None:
        for params in first_trials(given_vectors(base), source_model):
            study.enqueue_trial(enqueued(params))
    else:
        before = resumed["elapsed"]
        table.header()
        records, kept = restored(resumed, study, table, out, progress, judge, metric)

    def save_progress() -> None:
        saved = {c.number for c in kept}
        for c in kept:
            if c.number not in on_disk:
                progress.keep(c.number, c.predictor, c.config.to_dict(), c.epochs,
                              config.data.name, c.probabilities)  # fmt: skip
        for number in on_disk - saved:
            progress.drop(number)
        on_disk.clear()
        on_disk.update(saved)
        progress.save_state(
            {"config": config.to_dict(), "metric": metric, "seed": seed, "fraction": fraction,
             "folds": folds,
             "budget": before + (deadline.end - deadline.start),
             "elapsed": round(before + deadline.elapsed(), 1), "records": records,
             "kept": sorted(saved)}
        )  # fmt: skip

    on_disk: set[int] = {c.number for c in kept}
    lock = threading.RLock()

    def objective(trial: optuna.Trial) -> float:
        trial_config = suggest(trial, profile, base, own)
        started = time.perf_counter()
        record = {"trial": trial.number, "model": trial_config.model, "params": trial.params}

        def report(epoch_record: dict) -> None:
            trial.report(epoch_score(metric, epoch_record), epoch_record["epoch"])
            if trial.should_prune():
                raise optuna.TrialPruned(f"pruned after epoch {epoch_record['epoch']}")

        def after_fold(number: int, running: float) -> None:
            trial.report(running, FOLD_STEP + number)
            if trial.should_prune():
                raise optuna.TrialPruned(f"pruned after fold {number + 1}")

        with lock:
            # A trial stops with the time to refit the best trials so far still left: one cut
            # at the deadline itself would leave the chosen models trained on less data.
            ends = deadline.sooner(reserve(deadline, kept))
        try:
            judged = judge.run(trial_config, metric, Either(ends, stop), report, after_fold)
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
        result, value = judged.first, judged.value
        seconds = time.perf_counter() - started
        record.update(
            state="complete",
            validation=round(value, 5),
            best_epoch=judged.best_epoch,
            epochs=len(result.history.epochs),
            seconds=round(seconds, 1),
            fit_seconds=round(judged.seconds_per_fit, 1),
            config=result.config.to_dict(),
        )
        records.append(table.row(record))
        candidate = Candidate(
            trial.number,
            result.config,
            result.predictor,
            judged.probabilities,
            value,
            judged.best_epoch,
            result.history.epochs,
            judged.seconds_per_fit,
        )
        with lock:  # several workers: one changes the kept models at a time
            kept.append(candidate)
            kept.sort(key=lambda c: -c.score)
            # the rest are dropped (a search may train dozens of models), but for plain
            # train's fits, whose vote is the answer unless another is clearly better
            kept[:] = [c for i, c in enumerate(kept) if i < KEEP or c.number < PLAIN_TRIALS]
        return value

    if resumed is None:
        table.header()
    save_progress()

    def one_worker(halt: threading.Event) -> None:
        # Leave time to refit and write: a share of the budget, at least the best trials' time.
        while (
            deadline.left() > reserve(deadline, kept)
            and not (stop and stop.is_set())
            and not halt.is_set()
        ):
            study.optimize(objective, n_trials=1, catch=())
            with lock:
                save_progress()

    run_workers(one_worker, workers)
    if stop is not None and stop.is_set():
        raise Interrupted(
            f"autotune stopped after {len(records)} trials in {deadline.elapsed():.0f} s"
            + ("; its progress is saved" if out is not None else "")
        )
    if not kept:
        states = [r["state"] for r in records]
        counts = ", ".join(f"{states.count(s)} {s}" for s in sorted(set(states)))
        raise DataError(
            f"no trial finished within the budget ({len(records)} trials: {counts or 'none'} "
            f"in {deadline.elapsed():.0f} s): give a larger --budget"
        )
    members, val_score, why = choose(kept, judge.labels, metric)
    names = ", ".join(f"trial {m.number} ({m.config.model})" for m in members)
    echo(
        f"chosen on validation: {'a soft vote of ' if len(members) > 1 else ''}{names} "
        f"({why}), validation {metric} {val_score:.4f} ({len(records)} trials in "
        f"{deadline.elapsed():.0f} s)"
    )
    refitted = refit_members(members, train_all, trial_data, deadline, echo) if refit else 0
    # Each member's config as its run records it: the user's data settings with the split the
    # search used, so that `textnn evaluate RUN` finds the same validation and test texts.
    data = dataclasses.replace(config.data, validation_fraction=fraction)
    for m in members:
        m.config = dataclasses.replace(
            m.config, data=data, train=dataclasses.replace(m.config.train, refit=m.refitted)
        )
    thresholds = answer_thresholds(members, judge.labels)
    outputs = outputs_of(members, thresholds)
    report = None
    if test is not None:  # read here, once: every choice above was made on validation data
        probabilities = outputs.predict_proba(test.texts)
        report = evaluate(test.labels, probabilities, label_names, thresholds)
    summary = {
        "chosen": [m.number for m in members],
        "validation": round(val_score, 5),
        "metric": metric,
        "refitted": refitted,
        "seconds": round(deadline.elapsed(), 1),
    }
    if out is not None:
        write_autotune_run(out, members, records, summary, report, config.data.name, thresholds)
        progress.remove()  # the run is complete: nothing left to resume
    seconds = deadline.elapsed()
    return AutotuneResult(
        outputs,
        members,
        records,
        val_score,
        report,
        seconds,
        refitted,
        label_names,
        kept,
        judge.labels,
        thresholds,
        metric,
    )

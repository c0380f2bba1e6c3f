"""One training run end to end: data -> splits -> tokens -> vocabulary (train split only) ->
embeddings -> model -> training -> run directory -> test evaluation."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jax
import numpy as np

from textnn.config import RunConfig
from textnn.config.run_config import default_learning_rate
from textnn.data.dataset import Dataset
from textnn.errors import DataError
from textnn.models.params import trainable as trainable_filter
from textnn.models.registry import get as get_model
from textnn.runs.adaptive import AUTO, DataProfile, has_auto, resolve_auto
from textnn.runs.beside import drop_member
from textnn.runs.data import named_dataset, sentences_of, split_data, with_absolute_paths
from textnn.runs.directory import finish_run, load, prepare_run_dir, save_run
from textnn.runs.ensemble import Ensemble
from textnn.runs.evaluate import evaluate
from textnn.runs.fit import Fit
from textnn.runs.partner import (
    PARTNER,
    decide,
    drop_members,
    fit_name,
    keep_members,
    partner_configs,
    train_partners,
)
from textnn.runs.predictor import Outputs, Predictor
from textnn.runs.pseudo_label import check_teacher, load_teacher, pseudo_labelled, texts_to_label
from textnn.runs.rival import FOLDER as RIVAL_FOLDER
from textnn.runs.rival import RIVAL, adopt_log, better, rival_config, train_rival
from textnn.runs.transfer import inherited_settings, source_run
from textnn.text.tokenize import Tokenizer
from textnn.train.checkpoint import Checkpoints, LoopState, latest
from textnn.train.parallel import DataParallel, describe, select_devices
from textnn.train.thresholds import tune_thresholds
from textnn.train.trainer import History, JsonlLog

Echo = Callable[[str], None]


@dataclass
class TrainResult:
    predictor: Predictor
    history: History
    report: dict | None  # test evaluation, when there is a test split
    seconds: float  # the whole call
    fit_seconds: float  # up to the trained model: data, vocabulary, vectors, training
    # <float32>[test examples, classes], in the test split's order (None without a test split)
    test_probabilities: np.ndarray | None = None
    # the config the run was trained with: defaults resolved, a source run's settings inherited
    config: RunConfig | None = None
    # what answers for the run: the predictor, or its soft vote with partners (runs/partner.py)
    outputs: Outputs | None = None
    partners: list[TrainResult] = dataclasses.field(default_factory=list)  # when the vote kept them


def train(
    config: RunConfig,
    out: str | Path | None,
    *,
    dataset: Dataset | None = None,
    echo: Echo = print,
    progress: bool | None = None,
    devices: int | str | None = None,
    overwrite: bool = False,
    stop: threading.Event | None = None,
    resume_from: tuple[dict, LoopState] | None = None,
    on_epoch: Callable[[dict], None] | None = None,
    partners: list[dict] | None = None,
    rival: dict | None = None,
) -> TrainResult:
    """Train as `config` says and write the run directory `out` (None: write nothing); an
    `out` that holds anything is refused unless `overwrite`. `stop`: an Event that, once set
    (`train.signals.stop_on_signals`), ends training after the step in hand (`Interrupted`).

    `dataset`: in-memory data to use instead of the one `config.data` names. `devices`: 1
    (default), N or "all": each batch is split across that many devices. With `config.init`,
    start from that trained run (transfer learning) instead of a new model. A run written to
    `out` saves checkpoints as it trains (a refit's two trainings too; not several hosts);
    `resume_from` (see `resume`) goes on from one. `on_epoch(record)` is called after each
    epoch's record is logged
    (autotune reports validation accuracy to its pruner there; what it raises ends the run).
    `partners`, `rival`: with `resume_from`, the configs of the partners and of the second
    nbsvm fit the stopped run was to train (`runs/partner.py`, `runs/rival.py`; its checkpoint
    records them)."""
    started = time.perf_counter()
    _drop_compiled_code_near_the_map_limit()
    # Names and settings first, so a typo fails in a second, not after the data has loaded.
    config = with_absolute_paths(config.validated())
    # Several hosts: each trains in step with the others; the first one writes the run.
    writes = out is not None and jax.process_index() == 0
    if writes:
        out = Path(out)
        if resume_from is None:
            prepare_run_dir(out, overwrite)
    # a run that cannot start another fails here, before the data loads
    source = source_run(config.init) if config.init else None
    if source is not None:
        config = inherited_settings(config, Path(config.init), echo)
    teacher = load_teacher(config) if config.teacher else None
    if config.model != AUTO:
        get_model(config.model)  # a typo fails here, before the data loads
    trainable = trainable_filter(config.train.freeze)
    tokenizer = Tokenizer(config.text.tokenizer, config.text.lowercase)
    parallel = DataParallel(select_devices(devices))
    parallel.check_batch_size(config.train.batch_size)
    if parallel.size > 1:
        echo(f"data parallel over {describe(parallel.devices)}")
    elif parallel.devices[0].platform != "cpu":
        echo(f"training on {describe(parallel.devices)}")

    dataset = dataset or named_dataset(config)
    label_names, train_ex, val_ex, test_ex = split_data(config, echo, dataset)
    if teacher is not None:
        check_teacher(config, teacher, label_names, echo, multilabel=train_ex.multilabel)
        texts = texts_to_label(config, dataset)
        taught = pseudo_labelled(teacher, texts, label_names, echo)
        # The teacher labels each text whole, as the labelled texts come; their sentences then
        # take its label, as the labelled texts' sentences take theirs.
        if config.data.sentences:
            taught = sentences_of(taught, "unlabelled", echo)
        train_ex = train_ex + taught
    echo(
        f"data {config.data.name}: train {len(train_ex):,}, validation "
        f"{len(val_ex) if val_ex is not None else 0:,}, test "
        f"{len(test_ex) if test_ex is not None else 0:,}; classes {', '.join(label_names)}"
    )
    asked = config
    if has_auto(config):
        profile = DataProfile.of(train_ex.texts, train_ex.labels, tokenizer)
        config = resolve_auto(config, profile, echo)
    if resume_from is None:
        has_validation = val_ex is not None and len(val_ex) > 0
        found = partner_configs(asked, profile, has_validation) if has_auto(asked) else []
        partners = [c.to_dict() for c in found]
        if partners:
            echo(
                f"chosen from the data: a {' and a '.join(c.model for c in found)} over "
                f"{asked.embeddings or 'no'} word vectors trained beside it, the run answering "
                "with the vote of them and its fits unless a vote grown from it (it alone, "
                "or it and some of them) is clearly better on validation (small data)"
            )
    partners = partners or []
    if config.train.learning_rate is None:  # "auto" resolved to a model without a rule of its own
        rate = default_learning_rate(config.train.freeze, fine_tuning=config.init is not None)
        config = dataclasses.replace(
            config, train=dataclasses.replace(config.train, learning_rate=rate)
        )
    if resume_from is None:
        found = rival_config(asked, config, has_validation)
        rival = found.to_dict() if found else None
        if rival is not None:
            echo(
                f"chosen from the data: weight decay {config.train.weight_decay:g} or none, "
                "whichever scores better on validation (a second fit without it)"
            )
    spec = get_model(config.model)
    if len(train_ex) < config.train.batch_size:
        echo(
            f"note: {len(train_ex)} training examples, fewer than a batch of "
            f"{config.train.batch_size}: one partial batch per epoch"
        )
    resumed = resume_from[1] if resume_from else None
    # A refit run stopped in its second training goes on there: the first one's decisions are
    # in the checkpoint, so it is not trained again.
    in_refit = resumed is not None and resumed.phase == "refit"
    earlier = resumed.epochs if resumed else []
    if in_refit:
        earlier = resumed.first["epochs"] + [{**r, "refit": True} for r in resumed.epochs]
    log = JsonlLog(out / "metrics.jsonl" if writes else None, echo, earlier)
    if on_epoch is not None:
        log = _also(log, on_epoch)
    checkpoints = None
    every = config.train.checkpoint_minutes
    if writes and every is not None and jax.process_count() == 1:
        every, keep = config.train.checkpoint_minutes, config.train.checkpoint_keep
        recorded = (
            config.to_dict()
            | ({PARTNER: partners} if partners else {})
            | ({RIVAL: rival} if rival else {})
        )
        checkpoints = Checkpoints(out, every, keep, recorded)
    fit = Fit(spec, tokenizer, label_names, parallel, trainable, progress, echo, stop)

    def save(predictor):  # the best epoch so far: a run, marked unfinished until the end
        if writes:
            config_dict = config.to_dict()
            save_run(
                out, predictor, dataset=config.data.name, config_dict=config_dict, finished=False
            )

    passed_over = None  # the nbsvm fit the run did not keep (runs/rival.py)
    if in_refit:
        first = resumed.first
        history = History(
            list(first["epochs"]),
            first["best_epoch"],
            first["best_val_accuracy"],
            first["stopped_early"],
        )
        thresholds = first["thresholds"]
        thresholds = None if thresholds is None else np.asarray(thresholds, np.float32)
    else:
        predictor, history = fit(
            config,
            source,
            train_ex,
            val_ex,
            log,
            on_best=None if config.train.refit else save,
            on_first_step=lambda: echo(
                f"first training step done {time.perf_counter() - started:.1f} s after the "
                "start (data, vocabulary, vectors, model, compiling)"
            ),
            checkpoints=checkpoints,
            resume_from=resume_from,
        )
        if history.best_epoch is not None:
            echo(
                f"best validation {'macro F1' if train_ex.multilabel else 'accuracy'} "
                f"{history.best_val_accuracy:.4f} at epoch "
                f"{history.best_epoch}{' (stopped early)' if history.stopped_early else ''}"
            )
        if rival is not None:
            second = train_rival(
                train, RunConfig.from_dict(rival), out if writes else None, dataset, echo, stop
            )
            first, other = history.best_val_accuracy, second.history.best_val_accuracy
            keep_second = better(first, other)
            echo(
                f"best validation score with weight decay {config.train.weight_decay:g} "
                f"{first:.4f}, without {other:.4f}: the run keeps the fit "
                + ("without it" if keep_second else "with it")
            )
            passed_over = second  # the fit not kept: a voter where the run has partners
            if keep_second:
                passed_over = TrainResult(predictor, history, None, 0.0, 0.0, None, config)
                predictor, history, config = second.predictor, second.history, second.config
                adopt_log(out if writes else None)
            drop_member(out if writes else None, RIVAL_FOLDER)
        thresholds = None
        if train_ex.multilabel and val_ex is not None:
            thresholds = tune_thresholds(val_ex.labels, predictor.predict_proba(val_ex.texts))
            predictor.thresholds = thresholds
            echo(
                f"label thresholds chosen on validation (each label's best F1): "
                f"{thresholds.min():.2f}..{thresholds.max():.2f}"
            )
    if config.train.refit:
        epochs = history.best_epoch
        echo(
            f"refit: training again from the start on train + validation "
            f"({len(train_ex) + len(val_ex):,} examples) for {epochs} epochs"
            + (f", resumed at its epoch {resumed.epoch}" if in_refit else "")
        )
        decided = {
            "epochs": history.epochs,
            "best_epoch": history.best_epoch,
            "best_val_accuracy": history.best_val_accuracy,
            "stopped_early": history.stopped_early,
            "thresholds": None if thresholds is None else thresholds.tolist(),
        }
        predictor, again = fit(
            dataclasses.replace(config, train=dataclasses.replace(config.train, epochs=epochs)),
            load(config.init) if config.init else None,  # the first fit changed `source`
            train_ex + val_ex,
            None,
            lambda record: log({**record, "refit": True}),
            checkpoints=checkpoints,
            resume_from=resume_from if in_refit else None,
            start=LoopState(phase="refit", first=decided),
        )
        predictor.thresholds = thresholds  # the refit has no validation split to choose them
        history.refit_epochs = epochs
        history.epochs += [{**record, "refit": True} for record in again.epochs]
    save(predictor)  # the best parameters (restored by fit), or the refitted ones
    outputs, kept = predictor, []
    if partners:
        # the partners and, where nbsvm was fitted twice, the fit passed over (runs/partner.py)
        voters = train_partners(train, partners, out if writes else None, dataset, echo, stop)
        voters += [passed_over] if passed_over is not None else []
        names = [fit_name(c) for c in (config, *(v.config for v in voters))]
        chosen = decide(predictor, [v.predictor for v in voters], names, val_ex, echo)
        kept = [voters[i] for i in chosen]
        drop_members(out if writes else None, [v for i, v in enumerate(voters) if i not in chosen])
        if kept:
            outputs = Ensemble(
                [predictor, *(v.predictor for v in kept)],
                [names[0], *(names[i + 1] for i in chosen)],
            )
            if writes:
                report_of = _report_on(test_ex, label_names)
                voting = passed_over if any(v is passed_over for v in kept) else None
                keep_members(out, kept, voting, config.data.name, report_of)
    fit_seconds = time.perf_counter() - started

    report = probabilities = None
    if test_ex is not None:
        probabilities = outputs.predict_proba(test_ex.texts)
        report = evaluate(test_ex.labels, probabilities, label_names, predictor.thresholds)
    if writes:
        finish_run(out, report)
        if checkpoints is not None:
            checkpoints.remove()  # the run is complete: nothing left to resume
            echo(f"checkpoints: {checkpoints.count} saved in {checkpoints.seconds:.1f} s")
    seconds = time.perf_counter() - started
    return TrainResult(
        predictor, history, report, seconds, fit_seconds, probabilities, config, outputs, kept
    )


def _report_on(test, label_names: list[str]) -> Callable[[Predictor], dict | None]:
    """A model -> its report on the `test` examples (None without them)."""

    def report(model: Predictor) -> dict | None:
        if test is None:
            return None
        return evaluate(test.labels, model.predict_proba(test.texts), label_names)

    return report


def _also(log: Callable[[dict], None], then: Callable[[dict], None]) -> Callable[[dict], None]:
    def both(record: dict) -> None:
        log(record)
        then(record)

    return both


def _drop_compiled_code_near_the_map_limit(share: float = 0.5) -> None:
    """Each run compiles its own steps (their shapes follow its vocabulary and batches), and
    each compiled function holds memory maps: about 1,500 per small run. A process that trains
    many models (cross-validation, grid search) crashed at Linux's limit on maps per process
    (vm.max_map_count, 65,530 by default). Past `share` of it, drop every compiled function
    (they recompile when next called); below it keep them, since later runs of the same shapes
    reuse them (the test suite runs 3x slower when every run starts cold)."""
    try:
        limit = int(Path("/proc/sys/vm/max_map_count").read_text())
        with open("/proc/self/maps", "rb") as maps:
            count = sum(1 for _ in maps)
    except (OSError, ValueError):
        return  # not Linux: no such count to read
    if count > limit * share:
        jax.clear_caches()


def resume(
    run_dir: str | Path,
    *,
    echo: Echo = print,
    progress: bool | None = None,
    devices: int | str | None = None,
    stop: threading.Event | None = None,
) -> TrainResult:
    """Go on with the stopped training of `run_dir` from its newest sound checkpoint, with the
    config it was started with: the same parameters and metrics as a run never stopped (bit
    for bit on CPU). A DataError says when there is nothing to resume."""
    run_dir = Path(run_dir)
    found = latest(run_dir)
    if found is None:
        raise DataError(
            "nothing to resume: no checkpoint here (a run that finished keeps none, and a refit "
            "run saves none); train again with --overwrite",
            path=run_dir,
        )
    arrays, state, config_dict = found
    echo(f"resuming {run_dir} at epoch {state.epoch}, after {state.seen:,} examples of it")
    partners = config_dict.pop(PARTNER, None)
    if isinstance(partners, dict):  # a checkpoint of a run with one partner (until 2026-12-06)
        partners = [partners]
    rival = config_dict.pop(RIVAL, None)
    config = RunConfig.from_dict(config_dict, where=str(run_dir / "checkpoints"))
    return train(
        config,
        run_dir,
        echo=echo,
        progress=progress,
        devices=devices,
        stop=stop,
        resume_from=(arrays, state),
        partners=partners,
        rival=rival,
    )

"""The training loop: jit-compiled steps, per-epoch metrics, a JSONL log, early stopping on
validation accuracy (multi-label: macro F1), and the best parameters kept."""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx
from tqdm import tqdm

from textnn.config import TrainConfig
from textnn.models.inference import for_inference, predict_proba
from textnn.models.params import parameter_arrays, restore_parameters
from textnn.text.batching import BucketedBatches
from textnn.train.checkpoint import Checkpoints, LoopState, restored
from textnn.train.optim import optimizer as make_optimizer
from textnn.train.parallel import DataParallel, select_devices
from textnn.train.signals import Interrupted
from textnn.train.thresholds import decide, f1_scores, tune_thresholds

# A multi-label run's 'balanced' weight on a label's positive rows stops here: GoEmotions'
# rarest label has 1 text in 560, and a weight of 560 makes its gradients swamp the rest.
MAX_POSITIVE_WEIGHT = 30.0


@dataclass
class History:
    epochs: list[dict] = field(default_factory=list)
    best_epoch: int | None = None
    best_val_accuracy: float | None = None
    stopped_early: bool = False
    # A refit's epoch count on train + validation (TrainConfig.refit); `epochs` then ends with
    # its records, marked `refit`.
    refit_epochs: int | None = None


def class_weight_vector(config: TrainConfig, labels: np.ndarray, num_classes: int) -> np.ndarray:
    """<float32>[classes]: 1s, 'balanced' (n / (classes * count), as scikit-learn), or given.
    Multi-label (labels <float32>[n, classes]): each label's weight on its positive rows;
    'balanced' is negatives / positives, capped at MAX_POSITIVE_WEIGHT."""
    if config.class_weights == "none":
        return np.ones(num_classes, np.float32)
    if config.class_weights == "balanced" and labels.ndim == 2:
        positives = labels.sum(axis=0).astype(np.float64)
        ratio = (len(labels) - positives) / np.maximum(positives, 1)
        return np.clip(ratio, 1.0, MAX_POSITIVE_WEIGHT).astype(np.float32)
    if config.class_weights == "balanced":
        counts = np.bincount(labels, minlength=num_classes).astype(np.float64)
        return (len(labels) / (num_classes * np.maximum(counts, 1))).astype(np.float32)
    weights = np.asarray(config.class_weights, np.float32)
    if weights.shape != (num_classes,):
        raise ValueError(f"class_weights needs {num_classes} values, got {weights.shape}")
    return weights


# graph_updates=False: NNX's default jit hands every variable of the model back as an output,
# which makes XLA copy every parameter on every call (92 ms per call for a 128 MB table, seen
# on this CPU); with it off, only the variables a step changes come back.
@nnx.jit(static_argnames=("num_classes", "smoothing", "wrt"), graph_updates=False)
def gradient_step(
    model, ids, lengths, labels, weights, positive_weights=None, *, num_classes, smoothing,
    wrt=nnx.Param,
):  # fmt: skip
    """Gradients of the weighted mean loss on a batch (`weights` <float32>[B] are 0 for filler
    rows) for the variables that the filter `wrt` selects; also the loss and the number of
    correct real rows. Compiled once per batch shape.

    Single-label: labels <int32>[B], softmax cross-entropy. Multi-label: labels <float32>[B,
    classes] of 0s and 1s, a binary cross-entropy per label (independent sigmoids) summed over
    the labels, each label's positive rows weighted by `positive_weights` <float32>[classes];
    a row is correct when every label's decision at 0.5 is."""

    multilabel = labels.ndim == 2

    def loss_fn(model):
        logits = model(ids, lengths)
        if multilabel:
            targets = labels * (1 - smoothing) + smoothing / 2
            losses = optax.sigmoid_binary_cross_entropy(logits, targets)
            losses = (losses * (1 + (positive_weights - 1) * labels)).sum(-1)
        else:
            targets = optax.smooth_labels(jax.nn.one_hot(labels, num_classes), smoothing)
            losses = optax.softmax_cross_entropy(logits, targets)
        return (losses * weights).sum() / jnp.maximum(weights.sum(), 1e-9), logits

    grad_fn = nnx.value_and_grad(loss_fn, argnums=nnx.DiffState(0, wrt), has_aux=True)
    (loss, logits), grads = grad_fn(model)
    # multi-label: every label's decision at 0.5 right
    right = ((logits > 0) == (labels > 0.5)).all(-1) if multilabel else logits.argmax(-1) == labels
    correct = (right & (weights > 0)).sum()
    return grads, loss, correct


# The update does not depend on the batch shape, so it is compiled once rather than once per
# shape (with an embedding table, compiling it is most of a step's compile time). The model
# and optimiser state are donated: XLA updates them in place instead of copying every table.
@nnx.jit(donate_argnums=(0, 1, 2), graph_updates=False)
def update_step(model, optimizer, grads):
    optimizer.update(model, grads)


def train_step(
    model, optimizer, ids, lengths, labels, weights, positive_weights=None, *, num_classes,
    smoothing, wrt=nnx.Param,
):  # fmt: skip
    """One optimisation step on a batch; returns the loss and the number of correct rows."""
    grads, loss, correct = gradient_step(
        model, ids, lengths, labels, weights, positive_weights, num_classes=num_classes,
        smoothing=smoothing, wrt=wrt,
    )  # fmt: skip
    update_step(model, optimizer, grads)
    return loss, correct


class Trainer:
    """Fits a model on bucketed batches. `log` receives one dict per epoch; `trainable` is an
    NNX filter choosing the variables that learn (default: every `nnx.Param`); `parallel`
    splits each batch across several devices."""

    def __init__(
        self,
        model: nnx.Module,
        config: TrainConfig,
        num_classes: int,
        log: Callable[[dict], None] | None = None,
        progress: bool | None = None,
        trainable: nnx.filterlib.Filter = nnx.Param,
        parallel: DataParallel | None = None,
        heartbeat: Callable[[str], None] | None = None,
    ):
        self.model, self.config, self.num_classes = model, config, num_classes
        self.log = log or (lambda record: None)
        self.progress = sys.stderr.isatty() if progress is None else progress
        # Without a progress bar (stderr is not a terminal: CI, nohup, a notebook), a line
        # every HEARTBEAT_SECONDS to `heartbeat`, so that a long epoch is never silent.
        self.heartbeat = None if self.progress else heartbeat
        self.trainable = trainable
        self.parallel = parallel or DataParallel(select_devices(1))

    def fit(
        self,
        train: BucketedBatches,
        validation: BucketedBatches | None = None,
        on_best: Callable[[], None] | None = None,
        on_first_step: Callable[[], None] | None = None,
        stop: threading.Event | None = None,
        checkpoints: Checkpoints | None = None,
        resume: tuple[dict, LoopState] | None = None,
        start: LoopState | None = None,
    ) -> History:
        """Train for the configured epochs. With `validation`, `on_best` is called whenever the
        validation accuracy improves, and the best epoch's parameters are restored at the end.
        `on_first_step` is called once the first step has finished (compiled and run). When
        `stop` is set (a signal, `signals.stop_on_signals`), training ends after the step in
        hand by raising `Interrupted`, after a checkpoint when there are `checkpoints` (saved
        at each epoch's end and every few minutes). `resume`: (arrays, loop state) of a
        checkpoint (`checkpoint.latest`) to go on from, to the same result as without a stop;
        `start`: the loop state to begin from otherwise (a refit's second training records its
        phase and the first training's decisions in it, so that its checkpoints hold them)."""
        cfg, model = self.config, self.model
        parallel = self.parallel
        parallel.check_batch_size(train.batch_size)
        tx = make_optimizer(cfg, len(train))
        optimizer = nnx.Optimizer(model, tx, wrt=self.trainable)
        state, best = start or LoopState(), None
        if resume is not None:
            arrays, state = resume
            nnx.update(model, restored(nnx.state(model), arrays, "model"))
            nnx.update(optimizer, restored(nnx.state(optimizer), arrays, "optimizer"))
            saved_best = {k.removeprefix("best/"): v for k, v in arrays.items() if k[:5] == "best/"}
            best = {k: jax.numpy.asarray(v) for k, v in saved_best.items()} or None
        parallel.replicate(model, optimizer)
        weights_by_class = class_weight_vector(cfg, train.labels, self.num_classes)
        multilabel = train.labels.ndim == 2
        history = History(
            list(state.epochs), state.best_epoch, state.best_val_accuracy, state.stopped_early
        )

        def read(loss, n_correct, real):
            state.total_loss += float(parallel.to_host(loss)) * real
            state.correct += int(parallel.to_host(n_correct))

        def checkpoint() -> None:
            if checkpoints is not None:
                state.epochs = history.epochs
                state.best_epoch, state.best_val_accuracy = (
                    history.best_epoch,
                    history.best_val_accuracy,
                )
                state.stopped_early = history.stopped_early
                checkpoints.save(model, optimizer, best, state)

        while state.epoch <= cfg.epochs and not history.stopped_early:
            epoch, skip = state.epoch, state.step
            model.train()
            start, pending = time.perf_counter(), None
            bar = tqdm(
                total=len(train.sequences),
                initial=state.seen,
                unit="ex",
                desc=f"epoch {epoch}/{cfg.epochs}",
                disable=not self.progress,
                leave=False,
            )
            beat = Heartbeat(self.heartbeat, epoch, cfg.epochs, len(train.sequences))
            for index, batch in enumerate(train.batches(epoch - 1)):
                if index < skip:
                    continue  # done before the checkpoint this run resumed from
                real = batch.num_real
                if multilabel:
                    weights = batch.mask.astype(np.float32)
                    positive = weights_by_class
                else:
                    weights, positive = weights_by_class[batch.labels] * batch.mask, None
                loss, n_correct = train_step(
                    model,
                    optimizer,
                    *map(parallel.shard, (batch.ids, batch.lengths, batch.labels, weights)),
                    positive,
                    num_classes=self.num_classes,
                    smoothing=cfg.label_smoothing,
                    wrt=self.trainable,
                )
                if on_first_step is not None and epoch == 1 and state.seen == 0:
                    jax.block_until_ready(loss)
                    on_first_step()
                # Read the previous step's results, not this one's: the host then prepares the
                # next batch while this step runs instead of waiting for it.
                if pending:
                    read(*pending)
                pending = (loss, n_correct, real)
                state.seen += real
                state.step = index + 1
                bar.update(real)
                beat(state.seen)
                stopping = stop is not None and stop.is_set()
                if stopping or (checkpoints is not None and checkpoints.due()):
                    read(*pending)
                    pending = None
                    checkpoint()
                if stopping:
                    bar.close()
                    raise Interrupted(
                        f"interrupted in epoch {epoch} of {cfg.epochs}, after {state.seen:,} of "
                        f"{len(train.sequences):,} examples"
                        + ("; a checkpoint was saved" if checkpoints is not None else "")
                    )
            if pending:
                read(*pending)
            bar.close()
            seconds = time.perf_counter() - start
            record = {
                "epoch": epoch,
                "train_loss": state.total_loss / state.seen,
                "train_accuracy": state.correct / state.seen,
                "seconds": seconds,
                "examples_per_s": state.seen / seconds,
            }
            if validation is not None:
                labels = validation.labels
                folded = for_inference(model)  # built again: the parameters have changed
                probs = predict_proba(
                    folded, validation, len(labels), self.num_classes, parallel, multilabel
                )
                record |= validation_record(labels, probs)
                score = record["val_macro_f1" if multilabel else "val_accuracy"]
                if best is None or score > history.best_val_accuracy:
                    best, state.since_best = parameter_arrays(model), 0
                    history.best_epoch, history.best_val_accuracy = epoch, score
                    if on_best:
                        on_best()
                else:
                    state.since_best += 1
            history.epochs.append(record)
            self.log(record)
            if cfg.patience and state.since_best >= cfg.patience:
                history.stopped_early = True
            state.epoch, state.step = epoch + 1, 0
            state.total_loss, state.correct, state.seen = 0.0, 0, 0
            checkpoint()
        if best is not None:
            restore_parameters(model, best)
        model.eval()
        return history


def validation_record(labels: np.ndarray, probs: np.ndarray) -> dict:
    """An epoch's validation figures. Single-label: accuracy and log loss. Multi-label: the
    share of rows whose every label is right at 0.5 (`val_accuracy`), the mean binary
    cross-entropy per label, and micro and macro F1 with each label's threshold tuned on these
    rows (the decision rule the run will keep), macro F1 being what the best epoch is chosen
    by."""
    if labels.ndim == 1:
        rows = np.arange(len(labels))
        return {
            "val_accuracy": float((probs.argmax(-1) == labels).mean()),
            "val_loss": float(-np.log(np.maximum(probs[rows, labels], 1e-12)).mean()),
        }
    clipped = np.clip(probs, 1e-7, 1 - 1e-7)
    loss = -(labels * np.log(clipped) + (1 - labels) * np.log(1 - clipped)).mean()
    micro, macro = f1_scores(labels, decide(probs, tune_thresholds(labels, probs)))
    return {
        "val_accuracy": float(((probs >= 0.5) == (labels > 0.5)).all(-1).mean()),
        "val_loss": float(loss),
        "val_micro_f1": micro,
        "val_macro_f1": macro,
    }


HEARTBEAT_SECONDS = 5.0


class Heartbeat:
    """Says how an epoch is going, at most every HEARTBEAT_SECONDS: examples done, examples/s
    and an estimate of the time left in the epoch."""

    def __init__(self, say: Callable[[str], None] | None, epoch: int, epochs: int, total: int):
        self.say, self.epoch, self.epochs, self.total = say, epoch, epochs, total
        self.start = self.last = time.perf_counter()

    def __call__(self, seen: int) -> None:
        now = time.perf_counter()
        if self.say is None or now - self.last < HEARTBEAT_SECONDS or seen >= self.total:
            return
        self.last = now
        rate = seen / max(now - self.start, 1e-9)
        left = (self.total - seen) / max(rate, 1e-9)
        self.say(
            f"  epoch {self.epoch}/{self.epochs}: {seen:,} of {self.total:,} examples, "
            f"{rate:,.0f} ex/s, about {left:.0f} s left in the epoch"
        )


class JsonlLog:
    """Appends one JSON object per epoch to a file and prints a line per epoch."""

    def __init__(
        self,
        path: Path | None,
        echo: Callable[[str], None] | None = print,
        earlier: list[dict] = (),
    ):
        """`earlier`: the records of epochs already done (a resumed run), written first."""
        self.path, self.echo = path, echo
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("".join(json.dumps(record) + "\n" for record in earlier))

    def __call__(self, record: dict) -> None:
        if self.path is not None:
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(json.dumps(record) + "\n")
        if self.echo is not None:
            parts = [
                f"epoch {record['epoch']}",
                f"loss {record['train_loss']:.4f}",
                f"train acc {record['train_accuracy']:.4f}",
            ]
            if "val_macro_f1" in record:
                parts.append(
                    f"val macro F1 {record['val_macro_f1']:.4f} micro F1 "
                    f"{record['val_micro_f1']:.4f}"
                )
            elif "val_accuracy" in record:
                parts.append(f"val acc {record['val_accuracy']:.4f}")
            parts.append(f"{record['seconds']:.1f}s ({record['examples_per_s']:.0f} ex/s)")
            self.echo("  ".join(parts))

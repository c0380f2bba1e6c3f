"""Checkpoints of a training in progress, to resume it after a crash with the same result.

A checkpoint is the whole training state: every variable of the model (parameters, frozen
tables, dropout's random keys and counters), the optimiser's state (its step, moments), the
best parameters so far, and the loop's counters (epoch, steps done in it, the running loss
sums, the early-stopping state, the epochs' records) with the run's config. It is one
safetensors file (arrays, and the counters as JSON in its metadata) written to a temporary
name, flushed and renamed, then a small JSON file with its sha256, written the same way: a
checkpoint is used only when its bytes match that sum, so one torn by a crash or damaged later
is passed over for the one before. The last `keep` are kept. Each records what XLA compiled
the run for (train/compiled_for.py): a run resumed on another kind of machine says that its
result may differ in the last bits from one never stopped.

Why not Orbax: its CheckpointManager saves in background threads and a folder per step; here a
checkpoint is a few arrays written between two steps, and one file plus its checksum is what a
reader can verify in full (and the format the run's parameters already use).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import jax
import numpy as np
from flax import nnx

from textnn.errors import DataError, warn
from textnn.files import write_atomic
from textnn.train.compiled_for import compiled_for

FOLDER = "checkpoints"
# checkpoint-[PHASE-]EPOCH-STEP: phase 1 is a refit's second training (its epochs count again
# from 1); files from before phases were recorded have none (phase 0).
_NAME = re.compile(r"^checkpoint-(?:(\d)-)?(\d{6})-(\d{7})\.safetensors$")
PHASES = ("fit", "refit")


@dataclass
class LoopState:
    """Where the training loop stands: `epoch` (1-based) and the `step`s done in it, the
    running sums of that epoch, the early-stopping state and the finished epochs' records."""

    epoch: int = 1
    step: int = 0
    total_loss: float = 0.0
    correct: int = 0
    seen: int = 0
    since_best: int = 0
    best_epoch: int | None = None
    best_val_accuracy: float | None = None
    stopped_early: bool = False
    epochs: list[dict] = field(default_factory=list)
    # "refit": the second training of a refit run, on train + validation; `first` then holds
    # what the first training decided (its epochs' records, best epoch and score, thresholds).
    phase: str = "fit"
    first: dict | None = None


def flat_arrays(tree, prefix: str) -> dict[str, np.ndarray]:
    """Every leaf of an NNX state (or any pytree) by its path, as host arrays; random keys as
    their raw key data."""
    out = {}
    for path, leaf in jax.tree_util.tree_flatten_with_path(tree)[0]:
        if jax.dtypes.issubdtype(leaf.dtype, jax.dtypes.prng_key):
            leaf = jax.random.key_data(leaf)
        out[prefix + jax.tree_util.keystr(path)] = np.asarray(leaf)
    return out


def restored(tree, arrays: dict[str, np.ndarray], prefix: str):
    """`tree` with every leaf replaced by the array of the same path in `arrays`."""
    leaves, treedef = jax.tree_util.tree_flatten_with_path(tree)
    new = []
    for path, leaf in leaves:
        name = prefix + jax.tree_util.keystr(path)
        if name not in arrays:
            raise DataError(f"the checkpoint has no {name!r}: it belongs to another model")
        value = arrays[name]
        if jax.dtypes.issubdtype(leaf.dtype, jax.dtypes.prng_key):
            value = jax.random.wrap_key_data(value, impl=jax.random.key_impl(leaf))
        else:
            value = jax.numpy.asarray(value, dtype=leaf.dtype)
        new.append(value)
    return jax.tree_util.tree_unflatten(treedef, new)


class Checkpoints:
    """The checkpoints of one run, in `run_dir/checkpoints/`: saved at each epoch's end and
    every `minutes` within an epoch, the last `keep` kept."""

    def __init__(self, run_dir: Path, minutes: float, keep: int = 2, config: dict | None = None):
        self.folder = Path(run_dir) / FOLDER
        self.every, self.keep, self.config = minutes * 60.0, max(1, keep), config or {}
        self.last = time.monotonic()
        self.count, self.seconds = 0, 0.0  # saved so far, and the time saving took

    def due(self) -> bool:
        return time.monotonic() - self.last >= self.every

    def save(self, model, optimizer, best: dict | None, state: LoopState) -> Path:
        from safetensors.numpy import save

        self.last_started = time.monotonic()
        arrays = flat_arrays(nnx.state(model), "model") | flat_arrays(
            nnx.state(optimizer), "optimizer"
        )
        if best is not None:
            arrays |= {f"best/{name}": np.asarray(a) for name, a in best.items()}
        meta = {
            "loop": json.dumps(state.__dict__),
            "config": json.dumps(self.config),
            "compiled_for": compiled_for(),  # a resume elsewhere is not bit-equal: it says so
        }
        data = save(arrays, metadata=meta)
        self.folder.mkdir(parents=True, exist_ok=True)
        phase = PHASES.index(state.phase)
        name = f"checkpoint-{phase}-{state.epoch:06d}-{state.step:07d}.safetensors"
        path = self.folder / name
        write_atomic(path, data)
        digest = {"file": path.name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        write_atomic(path.with_suffix(".json"), json.dumps(digest).encode())
        self.count += 1
        self.seconds += time.monotonic() - self.last_started
        self.last = time.monotonic()
        for old in self.saved()[: -self.keep]:
            old.with_suffix(".json").unlink(missing_ok=True)
            old.unlink(missing_ok=True)
        return path

    def remove(self) -> None:
        """Remove every checkpoint of the run (once it is complete)."""
        for path in self.saved():
            path.with_suffix(".json").unlink(missing_ok=True)
            path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self.folder.rmdir()

    def saved(self) -> list[Path]:
        """The checkpoint files, oldest first (by phase, epoch and step)."""
        if not self.folder.is_dir():
            return []
        order = {}
        for path in self.folder.iterdir():
            match = _NAME.match(path.name)
            if match:
                order[path] = tuple(int(group or 0) for group in match.groups())
        return sorted(order, key=order.get)


def latest(run_dir: Path) -> tuple[dict[str, np.ndarray], LoopState, dict] | None:
    """(arrays, loop state, config) of the newest checkpoint whose bytes match its recorded
    sha256; a damaged or torn one is passed over with a warning. None when there is none."""
    from safetensors import safe_open
    from safetensors.numpy import load

    for path in reversed(Checkpoints(run_dir, 0).saved()):
        sums = path.with_suffix(".json")
        try:
            data = path.read_bytes()
            expected = json.loads(sums.read_text())
        except (OSError, ValueError):
            warn(f"{path}: its checksum file is missing or damaged; an older checkpoint is used")
            continue
        if len(data) != expected.get("bytes") or (
            hashlib.sha256(data).hexdigest() != expected.get("sha256")
        ):
            warn(f"{path}: does not match its checksum (torn or damaged); an older one is used")
            continue
        with safe_open(str(path), "numpy") as f:
            meta = f.metadata()
        state = LoopState(**json.loads(meta["loop"]))
        saved_for, now = meta.get("compiled_for"), compiled_for()
        if saved_for is not None and saved_for != now:
            warn(
                f"{path}: saved by a run compiled for {saved_for}; this machine's is {now}: the "
                "run goes on, but its result may differ in the last bits from a run never "
                "stopped (XLA rounds differently for other vector instructions or devices)"
            )
        return load(data), state, json.loads(meta["config"])
    return None

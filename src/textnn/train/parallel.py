"""Data parallelism with JAX sharding: every batch is split across devices along its first axis,
parameters and optimiser state are replicated, and XLA inserts the gradient all-reduce.

The same code serves one device, several local devices (GPUs, or CPU devices made with
`XLA_FLAGS=--xla_force_host_platform_device_count=N`) and several hosts after
`jax.distributed.initialize` (see `initialize_distributed`): every process builds the same
global batch from the same seed, and `jax.make_array_from_callback` hands each device only its
own rows.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import jax
import numpy as np
from flax import nnx
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from textnn.errors import TextnnError


def select_devices(devices: int | str | None) -> list[jax.Device]:
    """`None` or 1: the first device; `"all"`: every device of every process; N: the first N."""
    available = jax.devices()
    if devices is None or devices == 1 or devices == "1":
        return available[:1]
    if devices == "all":
        return available
    try:
        count = int(devices)
    except (TypeError, ValueError):
        raise TextnnError(f"devices must be a number or 'all', got {devices!r}") from None
    if count < 1 or count > len(available):
        raise TextnnError(
            f"asked for {count} devices but {len(available)} are visible "
            f"({available[0].platform}); on CPU, XLA_FLAGS="
            f"--xla_force_host_platform_device_count={count} makes that many"
        )
    return available[:count]


def describe(devices: Sequence[jax.Device]) -> str:
    """Where the work runs, for people: e.g. `gpu (NVIDIA H100 80GB HBM3)`, `2 x cpu (cpu)`."""
    first = devices[0]
    count = f"{len(devices)} x " if len(devices) > 1 else ""
    return f"{count}{first.platform} ({first.device_kind})"


class DataParallel:
    """Places arrays for data-parallel steps over `devices` (a 1-D mesh, axis `data`)."""

    def __init__(self, devices: Sequence[jax.Device]):
        self.devices = list(devices)
        self.mesh = Mesh(np.array(self.devices), ("data",))
        self.replicated = NamedSharding(self.mesh, PartitionSpec())
        self.rows = NamedSharding(self.mesh, PartitionSpec("data"))

    @property
    def size(self) -> int:
        return len(self.devices)

    def check_batch_size(self, batch_size: int) -> None:
        if batch_size % self.size:
            raise TextnnError(
                f"batch size {batch_size} does not split evenly over {self.size} devices; "
                f"use a multiple of {self.size}"
            )

    def replicate(self, *modules: nnx.Module) -> None:
        """Copy every variable of `modules` (parameters, optimiser state, RNG keys) to every
        device, in place."""
        for module in modules:
            state = nnx.state(module)
            nnx.update(module, jax.tree.map(self._replicate_leaf, state))

    def _replicate_leaf(self, value):
        if not isinstance(value, (jax.Array, np.ndarray)):
            return value
        if jax.process_count() == 1:
            return jax.device_put(value, self.replicated)
        # Several hosts: every process holds the same value (same seed); each gives its own
        # devices their copy.
        if jax.dtypes.issubdtype(value.dtype, jax.dtypes.prng_key):
            data = self._replicate_leaf(jax.random.key_data(value))
            return jax.random.wrap_key_data(data, impl=jax.random.key_impl(value))
        host = np.asarray(jax.device_get(value))
        return jax.make_array_from_callback(host.shape, self.replicated, lambda index: host[index])

    def shard(self, rows: np.ndarray) -> jax.Array:
        """A global array of `rows` (the whole batch, identical on every process), its first
        axis split across the devices."""
        rows = np.asarray(rows)
        if self.size == 1 and jax.process_count() == 1:
            return jax.device_put(rows, self.devices[0])
        return jax.make_array_from_callback(rows.shape, self.rows, lambda index: rows[index])

    def to_host(self, value: jax.Array) -> np.ndarray:
        """A result back as numpy, gathered from other processes when some rows live there."""
        if value.is_fully_addressable:
            return np.asarray(value)
        if value.sharding.is_fully_replicated:
            return np.asarray(value.addressable_data(0))
        from jax.experimental import multihost_utils

        return np.asarray(multihost_utils.process_allgather(value, tiled=True))


def initialize_distributed(
    coordinator: str | None = None, num_processes: int | None = None, process_id: int | None = None
) -> None:
    """Join a multi-host run: `jax.distributed.initialize` with the coordinator's host:port,
    the number of processes and this one's id, each from the argument or else from
    JAX_COORDINATOR_ADDRESS, JAX_NUM_PROCESSES and JAX_PROCESS_ID (JAX itself also detects
    SLURM, Open MPI and Cloud TPU set-ups when these are absent). Call before any other JAX use."""
    env = os.environ
    coordinator = coordinator or env.get("JAX_COORDINATOR_ADDRESS")
    if num_processes is None and env.get("JAX_NUM_PROCESSES"):
        num_processes = int(env["JAX_NUM_PROCESSES"])
    if process_id is None and env.get("JAX_PROCESS_ID"):
        process_id = int(env["JAX_PROCESS_ID"])
    jax.distributed.initialize(
        coordinator_address=coordinator, num_processes=num_processes, process_id=process_id
    )

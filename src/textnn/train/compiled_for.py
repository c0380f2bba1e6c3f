"""What XLA compiles a run's steps for: the backend, and on CPU the widest vector instructions.

Seeded training repeats bit for bit on one machine (tests/runs/test_resume.py), but XLA
compiles for the processor's vector instructions (AVX-512, AVX2, ...) or for the accelerator,
and the same steps compiled for others round differently in the last bits, which training can
grow into a few different answers (docs/benchmarks.md, `benchmarks/bench_repeat.py`). Each
checkpoint records this, so that a run resumed on another kind of machine says that its result
may differ a little from one never stopped.
"""

from __future__ import annotations

import functools
import os
import platform
import re
from pathlib import Path

# Vector instruction sets as /proc/cpuinfo names them, widest first
VECTOR_SETS = ("avx512f", "avx2", "avx", "sse4_2")


def vector_instructions() -> str:
    """The widest of VECTOR_SETS this CPU offers (Linux), else the machine's architecture."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                flags = set(line.partition(":")[2].split())
                return next((name for name in VECTOR_SETS if name in flags), "no avx")
    except OSError:
        pass
    return platform.machine() or "unknown"


@functools.cache
def compiled_for() -> str:
    """E.g. "cpu: avx2", "cpu: avx512f (XLA_FLAGS: at most avx)" or "gpu: NVIDIA H100 80GB
    HBM3": what this process's XLA compiles for."""
    import jax

    backend = jax.default_backend()
    if backend != "cpu":
        return f"{backend}: {jax.devices()[0].device_kind}"
    limit = re.search(r"--xla_cpu_max_isa=(\w+)", os.environ.get("XLA_FLAGS", ""))
    capped = f" (XLA_FLAGS: at most {limit.group(1).lower()})" if limit else ""
    return f"cpu: {vector_instructions()}{capped}"

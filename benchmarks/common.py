"""Shared by the benchmark scripts: machine description, results files, the docs table."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
DOC = ROOT / "docs" / "benchmarks.md"


# A --quick run checks that a script still works end to end, in seconds rather than minutes:
# every split it trains or tests on is cut to this many examples.
SMOKE_EXAMPLES = 300


def smoke(dataset):
    """`dataset` (a textnn Dataset) with each split, and its unlabelled texts, cut to a seeded
    sample of SMOKE_EXAMPLES, for --quick runs: the same code path on data small enough to
    train in seconds. Never used for a result."""
    import dataclasses

    import numpy as np

    def sample(n: int) -> np.ndarray:
        return np.sort(np.random.default_rng(0).permutation(n)[:SMOKE_EXAMPLES])

    splits = {name: part.subset(sample(len(part))) for name, part in dataset.splits.items()}
    unlabeled = dataset.unlabeled
    if unlabeled is not None:
        unlabeled = [unlabeled[i] for i in sample(len(unlabeled))]
    return dataclasses.replace(dataset, splits=splits, unlabeled=unlabeled)


def smoke_data(config):
    """smoke() of the dataset that a RunConfig names (for --quick runs)."""
    from textnn.runs.data import named_dataset

    return smoke(named_dataset(config))


def cpu_info() -> dict[str, str]:
    """The first processor's fields in /proc/cpuinfo (none where it cannot be read)."""
    fields: dict[str, str] = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if not line.strip():
                break
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
    except OSError:
        pass
    return fields


def machine() -> dict:
    from textnn.train.compiled_for import vector_instructions

    info = cpu_info()
    cpu = info.get("model name") or platform.processor()
    versions = {}
    for package in ("textnn", "numpy", "tokenizers", "jax", "flax"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[package] = metadata.version(package)
    return {
        "cpu": cpu,
        # family and model tell CPUs of one name apart (e.g. AMD EPYC of two generations)
        "cpu_model": f"family {info.get('cpu family', '?')}, model {info.get('model', '?')}",
        # XLA compiles for them: results differ in the last bits across them (bench_repeat.py)
        "vector_isa": vector_instructions(),
        "xla_flags": os.environ.get("XLA_FLAGS", ""),
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "versions": versions,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def cpu() -> dict:
    """The machine's CPU as a results entry records it: a file's rows may come from runs on
    different machines, and XLA's code (so the last bits of a result) follows the CPU."""
    m = machine()
    return {key: m[key] for key in ("cpu", "cpu_model", "vector_isa")}


def in_subprocess(code: str, env: dict | None = None) -> dict:
    """Run Python code in a fresh interpreter (cold imports, own peak memory); it prints JSON."""
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def write(name: str, results: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **results}, indent=2) + "\n")
    # The page follows its results files: the renderer runs as a program of its own, so that no
    # benchmark script imports it.
    subprocess.run([sys.executable, str(Path(__file__).resolve().parent / "render")], check=True)
    return path

"""`textnn quantize`: a trained run copied with its lookup tables quantized (int8 or product
quantization, models/quantize.py), smaller on disk and in memory, and loaded by everything that
loads a run (predict, evaluate, explain, serve, the Python API)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from textnn.config import RunConfig
from textnn.errors import DataError
from textnn.jsonfile import read_document
from textnn.models.params import named_variables
from textnn.models.quantize import METHODS, quantize_model
from textnn.runs import manifest
from textnn.runs.directory import FORMAT, VOTE_FILE, load, prepare_run_dir, save_run


def quantize_run(
    source: str | Path, out: str | Path, method: str = "int8", *, overwrite: bool = False
) -> dict:
    """Write a quantized copy of the finished run `source` to `out`; returns its sizes
    {"method", "tables", "disk_bytes": [before, after], "memory_bytes": [before, after]}
    (memory: the model's parameters and tables as loaded). The copy has no test report or
    training log (those describe the full model): evaluate it to see what it scores."""
    if method not in METHODS:
        raise DataError(
            f"unknown method {method!r}; choose one of {', '.join(METHODS)}", field="method"
        )
    source, out = Path(source), Path(out)
    if source.resolve() == out.resolve():
        raise DataError("--out must be a new folder, not the run itself", path=out)
    if (source / VOTE_FILE).is_file():
        raise DataError(
            "this run answers with a vote of several runs (autotune's), which a quantized "
            "copy would not keep: quantize each member run (under members/) and vote with "
            "--vote-with, or retrain a single model",
            path=source,
        )
    predictor = load(source)
    if predictor.quantized is not None:
        raise DataError(
            f"this run is quantized already ({predictor.quantized.get('method')}); quantize the "
            "full run it came from",
            path=source,
        )
    prepare_run_dir(out, overwrite)
    before = model_bytes(predictor.model)
    tables = quantize_model(predictor.model, method)
    if not tables:
        raise DataError(
            f"a {predictor.model_name} model has no word or n-gram table to quantize", path=source
        )
    predictor.quantized = {"method": method, "tables": tables, "source": str(source)}
    meta = read_document(source / "run.json", FORMAT, "run")
    config = RunConfig.load(source / "config.json").to_dict()
    save_run(out, predictor, dataset=meta.get("dataset", ""), config_dict=config)
    return {
        "method": method,
        "tables": tables,
        "disk_bytes": [run_bytes(source), run_bytes(out)],
        "memory_bytes": [before, model_bytes(predictor.model)],
    }


def model_bytes(model) -> int:
    """Bytes of the model's parameters and tables (what its run's params file holds)."""
    return sum(int(np.asarray(v[...]).nbytes) for v in named_variables(model).values())


def run_bytes(run_dir: Path) -> int:
    """Bytes on disk of the files a run's manifest lists (what loading it reads)."""
    files = manifest.read_manifest(run_dir).get("files", {})
    return sum((run_dir / name).stat().st_size for name in files)


def format_sizes(result: dict) -> str:
    disk, memory = result["disk_bytes"], result["memory_bytes"]
    mb = 1 << 20
    return (
        f"quantized {len(result['tables'])} table(s) by {result['method']} "
        f"({', '.join(result['tables'])}): on disk {disk[0] / mb:.1f} MB -> {disk[1] / mb:.1f} MB "
        f"({disk[0] / disk[1]:.1f}x smaller); model in memory {memory[0] / mb:.1f} MB -> "
        f"{memory[1] / mb:.1f} MB ({memory[0] / memory[1]:.1f}x)"
    )

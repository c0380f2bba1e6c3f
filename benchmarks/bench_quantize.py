"""Compact runs: `textnn quantize` (int8 and product quantization) on IMDb's TextCNN and nbsvm
runs: size on disk and in memory, test accuracy and prediction speed before and after, in one
process; and nbsvm's n-gram table sized from the data against the fixed 2^22 rows it had.

    python benchmarks/bench_quantize.py --run runs/demo --nbsvm-run runs/imdb-nbsvm
    python benchmarks/bench_quantize.py --quick     # a toy run; nothing written

Test accuracy is read for every row (the quantized runs choose nothing: there is nothing to
choose on validation). Speed: texts per second of `predict_proba` over the first 5,000 test
reviews, after a pass over the whole test split has compiled every shape; the full and the
quantized runs alternate in one process on one machine, so compare within a table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

from textnn.data import load_dataset
from textnn.runs.compact import quantize_run, run_bytes
from textnn.runs.directory import load
from textnn.runs.evaluate import evaluate

SPEED_TEXTS = 5_000
MB = 1 << 20


def accuracy_and_speed(run: Path, texts: list[str], labels: np.ndarray, names: list[str]) -> dict:
    predictor = load(run)
    order = [predictor.label_names.index(n) for n in names]  # the dataset's label order
    probs = predictor.predict_proba(texts)[:, order]
    report = evaluate(labels, probs, names)
    part = texts[:SPEED_TEXTS]
    started = time.perf_counter()
    predictor.predict_proba(part)
    seconds = time.perf_counter() - started
    return {"accuracy": report["accuracy"], "texts_per_s": round(len(part) / seconds, 1)}


def quantized_rows(run: Path, work: Path, texts, labels, names) -> dict:
    rows = {"full": {"disk_mb": round(run_bytes(run) / MB, 2), **accuracy_and_speed(
        run, texts, labels, names)}}  # fmt: skip
    for method in ("int8", "pq"):
        out = work / f"{run.name}-{method}"
        started = time.perf_counter()
        sizes = quantize_run(run, out, method, overwrite=True)
        seconds = time.perf_counter() - started
        disk, memory = sizes["disk_bytes"], sizes["memory_bytes"]
        rows["full"]["memory_mb"] = round(memory[0] / MB, 2)
        rows[method] = {
            "disk_mb": round(disk[1] / MB, 2),
            "memory_mb": round(memory[1] / MB, 2),
            "quantize_seconds": round(seconds, 1),
            "tables": sizes["tables"],
            **accuracy_and_speed(out, texts, labels, names),
        }
        print(run.name, method, rows[method], flush=True)
    print(run.name, "full", rows["full"], flush=True)
    return rows


def textnn(*args: str) -> str:
    command = [str(Path(sys.executable).with_name("textnn")), *args]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stderr


def as_csv(dataset, split: str, path: Path, rows: int | None = None) -> Path:
    """A built-in dataset's split written as a CSV file of one's own (text,label), all of it or
    a seeded sample of `rows`."""
    part = dataset[split]
    pick = np.arange(len(part))
    if rows is not None:
        pick = np.random.default_rng(0).permutation(len(part))[:rows]
    lines = ["text,label"] + [
        f'"{part.texts[i].replace(chr(34), chr(39))}",{dataset.label_names[part.labels[i]]}'
        for i in pick
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def sized_table_rows(work: Path, quick: bool) -> dict:
    """nbsvm trained with the table rows it had before (2^22) and with rows from the data: on
    300 rows of MR and on AG News' 7,600 test texts (4 classes; the mirror has no train split),
    each written as a CSV of one's own."""
    cases = {"300 rows of MR (a CSV)": as_csv(load_dataset("mr"), "train", work / "mr.csv", 300)}
    if not quick:
        agnews = load_dataset("ag_news", splits=["test"])
        cases["AG News' 7,600 test texts (a CSV, 4 classes)"] = as_csv(
            agnews, "test", work / "agnews.csv"
        )
    rows = {}
    for name, csv in cases.items():
        row = {}
        variants = {"2^22 rows (before)": ["--set", "model_options.buckets=4194304"],
                    "rows from the data": []}  # fmt: skip
        if quick:  # the smoke run: today's code path only
            del variants["2^22 rows (before)"]
        for label, extra in variants.items():
            out = work / f"sized-{len(rows)}-{len(row)}"
            started = time.perf_counter()
            textnn("train", "--data", str(csv), "--model", "nbsvm", *extra, "--out", str(out))
            row[label] = {
                "disk_mb": round(run_bytes(out) / MB, 2),
                "buckets": load(out).model.config.buckets,
                "test_accuracy": json.loads((out / "report.json").read_text())["accuracy"],
                "seconds": round(time.perf_counter() - started, 1),
            }
            print(name, label, row[label], flush=True)
        rows[name] = row
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--run", default="runs/demo", help="an IMDb TextCNN run (make demo's)")
    parser.add_argument("--nbsvm-run", default="runs/imdb-nbsvm", help="an IMDb nbsvm run")
    parser.add_argument("--quick", action="store_true", help="a toy run; nothing written")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-quantize-"))
    if args.quick:
        sys.path.insert(0, str(common.ROOT))
        from tests.helpers import toy_csv

        csv = toy_csv(work / "toy.csv", n=300)
        run = work / "toy"
        textnn("train", "--data", str(csv), "--model", "textcnn", "--embeddings", "none",
               "--epochs", "2", "--out", str(run))  # fmt: skip
        texts = [line.rsplit(",", 1)[0] for line in csv.read_text().splitlines()[1:]]
        labels = np.array([line.endswith("pos") for line in csv.read_text().splitlines()[1:]])
        print(quantized_rows(run, work, texts, labels.astype(int), ["neg", "pos"]))
        print(sized_table_rows(work, quick=True))
        print("quick run: nothing written")
        return
    test = load_dataset("imdb")["test"]
    names = list(load_dataset("imdb").label_names)
    runs = {}
    for run in (Path(args.run), Path(args.nbsvm_run)):
        runs[load(run).model_name] = {
            "run": str(run),
            "rows": quantized_rows(run, work, test.texts, test.labels, names),
        }
    sized = sized_table_rows(work, quick=False)
    path = common.write("quantize", {"imdb_test": len(test), "runs": runs, "sized_tables": sized})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

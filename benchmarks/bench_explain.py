"""Explanation speed: LIME on IMDb test reviews with 5,000 samples each (the variants are
classified in batches of 1,024), for a trained IMDb run; and the whole HTML report's time.

    python benchmarks/bench_explain.py --run runs/demo     # make demo's run
    python benchmarks/bench_explain.py                     # trains a 2-epoch TextCNN first
    python benchmarks/bench_explain.py --quick             # smoke run; writes nothing

Writes benchmarks/results/explain.json and regenerates docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

from textnn.analysis.explain import explain
from textnn.analysis.report import write_report
from textnn.config import RunConfig
from textnn.data import load_dataset
from textnn.runs.directory import load
from textnn.runs.pipeline import train

QUICK_RUN = {
    "data.name": "imdb",
    "model": "textcnn",
    "embeddings": "glove-6b-50d",
    "text.tokenizer": "glove",
    "text.max_length": 500,
    "train.epochs": 2,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--run", type=Path, help="a trained IMDb run (default: train one)")
    parser.add_argument("--reviews", type=int, default=5, help="test reviews explained")
    parser.add_argument("--num-samples", type=int, default=5000)
    parser.add_argument("--quick", action="store_true", help="smoke run; writes no results")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-explain-"))
    if args.quick:
        args.reviews, args.num_samples = 1, 500
    run_dir = args.run
    if run_dir is None:
        settings = {**QUICK_RUN, "train.epochs": 1} if args.quick else QUICK_RUN
        run_dir = work / "imdb"
        config = RunConfig().with_overrides(settings)
        data = common.smoke_data(config) if args.quick else None
        train(config, run_dir, dataset=data, echo=print)
    predictor = load(run_dir)

    # Reviews of median length: every 1000th test review, sorted by length, the middle ones.
    test = load_dataset("imdb", splits=["test"]).test
    picked = sorted(test.texts[::1000], key=len)
    middle = len(picked) // 2 - args.reviews // 2
    reviews = picked[middle : middle + args.reviews]
    explain(predictor, reviews[0], num_samples=50)  # compile the shapes once, untimed
    cases = []
    for text in reviews:
        started = time.perf_counter()
        e = explain(predictor, text, num_samples=args.num_samples)
        seconds = time.perf_counter() - started
        cases.append({"words": len(text.split()), "seconds": round(seconds, 2), "label": e.label})
        print(f"{cases[-1]}  top: {e.weights_for()[:3]}", flush=True)
    started = time.perf_counter()
    write_report(run_dir, work / "report.html", explanations=3, num_samples=1000)
    report_seconds = time.perf_counter() - started
    print(f"report: {report_seconds:.1f} s")
    if args.quick:
        print("quick run: nothing written")
        return
    path = common.write(
        "explain",
        {
            "run": str(args.run) if args.run else {"trained": QUICK_RUN},
            "model": predictor.model_name,
            "num_samples": args.num_samples,
            "cases": cases,
            "median_seconds": statistics.median(c["seconds"] for c in cases),
            "report_seconds": round(report_seconds, 1),
            "test_reviews": len(test),
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

"""Transfer learning: an IMDb TextCNN's encoder under a new head for the UCI labelled sentences,
against training the same architecture on UCI from scratch with the same budget (epochs).

Trains the IMDb source run first (or reuses `--source RUN_DIR`), then for each seed:
  head only   `textnn finetune SOURCE --data uci_sentences --freeze encoder` (lr 1e-3)
  everything  `--freeze none` (lr 1e-4)
  scratch     the same TextCNN on UCI alone, GloVe 50d (fine-tuned), and random embeddings
all with the same epochs and the same seeded 10% test split of UCI (seed + 1).
Writes benchmarks/results/transfer.json and regenerates docs/benchmarks.md.

    python benchmarks/bench_transfer.py [--seeds 0 1 2] [--epochs 5] [--source runs/imdb]
    python benchmarks/bench_transfer.py --quick     # a smoke run: tiny budget, no claims
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

from textnn.config import RunConfig
from textnn.runs.pipeline import train

# The IMDb source: TextCNN on GloVe 50d (fine-tuned), the `glove` tokenizer.
SOURCE = {
    "data.name": "imdb",
    "model": "textcnn",
    "embeddings": "glove-6b-50d",
    "text.tokenizer": "glove",
    "text.max_length": 500,
    "train.epochs": 4,
}


def quiet(_: str) -> None:
    return None


def run(config: RunConfig, out: Path, quick: bool = False) -> dict:
    data = common.smoke_data(config) if quick else None
    result = train(config, out, dataset=data, echo=quiet, progress=False)
    return {"accuracy": result.report["accuracy"], "seconds": round(result.seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, help="an IMDb run to reuse (default: train one)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=5, help="UCI epochs, for every method")
    parser.add_argument("--quick", action="store_true", help="smoke run; writes no results")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-transfer-"))
    source_settings = dict(SOURCE)
    if args.quick:
        args.seeds, args.epochs = args.seeds[:1], 1
        source_settings.update({"train.epochs": 1, "text.max_length": 64})

    source, source_info = args.source, {"reused": str(args.source)}
    if source is None:
        source = work / "imdb"
        started = time.perf_counter()
        config = RunConfig().with_overrides(source_settings)
        data = common.smoke_data(config) if args.quick else None
        result = train(config, source, dataset=data, echo=print)
        source_info = {
            "settings": source_settings,
            "imdb_test_accuracy": result.report["accuracy"],
            "seconds": round(time.perf_counter() - started, 1),
        }
    base = RunConfig.load(source / "config.json")

    methods = {
        "head only (IMDb encoder frozen)": {"init": str(source), "train.freeze": "encoder"},
        "everything (from IMDb, lr 1e-4)": {
            "init": str(source),
            "train.freeze": "none",
            "train.learning_rate": 1e-4,
        },
        "scratch, GloVe 50d": {},
        "scratch, random embeddings": {"embeddings": None},
    }
    rows = []
    for name, settings in methods.items():
        runs = []
        for seed in args.seeds:
            values = {
                "data.name": "uci_sentences",
                "train.epochs": args.epochs,
                "train.seed": seed,
                **settings,
            }
            config = base.with_overrides(values)
            runs.append({"seed": seed, **run(config, work / f"{len(rows)}-{seed}", args.quick)})
            print(f"{name}, seed {seed}: {runs[-1]}", flush=True)
        accuracies = [r["accuracy"] for r in runs]
        rows.append(
            {
                "method": name,
                "settings": settings,
                "runs": runs,
                "mean_accuracy": statistics.mean(accuracies),
                "min_accuracy": min(accuracies),
                "max_accuracy": max(accuracies),
            }
        )
    if args.quick:
        print("quick run: nothing written")
        return
    path = common.write(
        "transfer",
        {"source": source_info, "uci_epochs": args.epochs, "seeds": args.seeds, "rows": rows},
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

"""Every classic preset on its real data, against the accuracy its source reports.

Runs `textnn train --preset NAME` for each preset whose data is available (AG News' train split
is not in the offline mirror: those presets are skipped with the reason), and records test
accuracy, best epoch, and time. Writes benchmarks/results/presets.json and regenerates
docs/benchmarks.md.

    python benchmarks/bench_presets.py                 # all (about 25 minutes on 2 cores)
    python benchmarks/bench_presets.py --only course-cnn-uci axon-mlp-imdb
    python benchmarks/bench_presets.py --quick         # 1 epoch each at 64 tokens; no claims
    python benchmarks/bench_presets.py --only d2l-birnn-imdb --seeds 1 2 3

`--seeds` reruns the presets named by `--only` with other values of `train.seed` (weight
initialisation and shuffling) and records only their test accuracies, beside the preset's own
run (seed 0, the default): how far one run of a recipe is from another.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common
import keys

from textnn.config.presets import PRESETS
from textnn.data import available_splits
from textnn.runs.pipeline import train

# What each preset's source reports (test accuracy); None where it reports no number.
REFERENCE = {
    "d2l-textcnn-imdb": 0.865,
    "d2l-birnn-imdb": 0.862,
    "flax-conv1d-agnews": 0.912,
    "flax-conv1d-stack-agnews": None,
    "axon-mlp-imdb": None,
    "axon-lstm-imdb": None,
    "axon-bilstm-imdb": None,
    "course-mlp-uci": 0.63,
    "course-cnn-uci": 0.71,
    "course-rnn-uci": 0.73,
}
# --quick: a smoke run of each preset, no claims
QUICK = {"train.epochs": 1, "text.max_length": 64}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="+", choices=list(PRESETS), help="these presets only")
    parser.add_argument("--quick", action="store_true", help="smoke run; writes no results")
    parser.add_argument(
        "--seeds", nargs="+", type=int, help="with --only: rerun those presets at these seeds"
    )
    args = parser.parse_args()
    if args.seeds and not args.only:
        parser.error("--seeds reruns the presets that --only names: give --only")
    work = Path(tempfile.mkdtemp(prefix="bench-presets-"))
    previous = keys.load("presets") or {}
    rows = {r["preset"]: r for r in previous.get("rows", [])} if not args.quick else {}
    if args.seeds:
        seed_runs(args.only, args.seeds, args.quick, previous, work)
        return
    for name in args.only or PRESETS:
        preset = PRESETS[name]
        config = preset.config()
        if "train" not in available_splits(config.data.name):
            rows[name] = {
                "preset": name,
                "reference": REFERENCE[name],
                "skipped": f"{config.data.name}'s train split is not available offline",
            }
            print(f"{name}: skipped ({rows[name]['skipped']})", flush=True)
            continue
        data = None
        if args.quick:
            config = config.with_overrides(QUICK)
            data = common.smoke_data(config)
        result = train(config, work / name, dataset=data, echo=lambda _: None, progress=False)
        history = result.history
        rows[name] = {
            "preset": name,
            "reference": REFERENCE[name],
            "accuracy": result.report["accuracy"],
            "epochs": len(history.epochs),
            "best_epoch": history.best_epoch,
            "seconds": round(result.seconds, 1),
            "vocabulary": len(result.predictor.vocab),
            "measured": common.machine()["date"],  # --only reruns some rows, keeping others
        }
        print(json.dumps(rows[name]), flush=True)
    if args.quick:
        print("quick run: nothing written")
        return
    ordered = [rows[name] for name in PRESETS if name in rows]
    kept = {key: previous[key] for key in ("seeds", "pytorch") if key in previous}  # own scripts
    path = common.write("presets", {**kept, "rows": ordered})
    print(f"wrote {path}")


def seed_runs(names: list[str], seeds: list[int], quick: bool, previous: dict, work: Path) -> None:
    """Test accuracy of each named preset at each seed, merged into the results file's `seeds`
    (`runs`: {preset: {"row": the preset row's accuracy they go with, "by_seed": {seed:
    accuracy}}}, and the machine of the latest seed run); the preset rows and their machine line
    are left as they are. The page shows a preset's seed runs only while its row still has the
    accuracy they went with: a row rerun on changed code leaves them out."""
    runs = previous.get("seeds", {}).get("runs", {})
    rows = {r["preset"]: r for r in previous.get("rows", [])}
    extra = QUICK if quick else {}
    for name in names:
        row = rows.get(name, {}).get("accuracy")
        if row is None and not quick:
            raise SystemExit(f"{name} has no row in presets.json: run it without --seeds first")
        if runs.get(name, {}).get("row") != row:
            runs[name] = {"row": row, "by_seed": {}}  # runs beside another row are stale
        for seed in seeds:
            config = PRESETS[name].config().with_overrides({"train.seed": seed, **extra})
            data = common.smoke_data(config) if quick else None
            result = train(
                config, work / f"{name}-{seed}", dataset=data, echo=lambda _: None, progress=False
            )
            accuracy = result.report["accuracy"]
            runs[name]["by_seed"][str(seed)] = accuracy
            print(json.dumps({"preset": name, "seed": seed, "accuracy": accuracy}), flush=True)
    if quick:
        print("quick run: nothing written")
        return
    seeds = {"machine": common.machine(), "runs": runs}
    path = common.RESULTS / "presets.json"
    path.write_text(json.dumps({**previous, "seeds": seeds}, indent=2) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

"""An autotune setting judged without test data: autotune searches a dataset's official training
split (holding out its own validation texts, as it always does, and refitting as it always
does), and its answer is scored on the official validation split, which the search never
sees. Run once per code version (an older one from a git worktree: PYTHONPATH=WORKTREE/src) and
compare; each run adds itself to benchmarks/results/judge_autotune.json (docs/benchmarks.md
shows them). The test split is never read.

    python benchmarks/judge_autotune.py goemotions --label "networks 12-30 epochs"
    python benchmarks/judge_autotune.py goemotions --quick    # a smoke run: 300 texts, seconds
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

import textnn
from textnn.config import RunConfig
from textnn.data import load_dataset
from textnn.data.dataset import Dataset
from textnn.runs.evaluate import evaluate
from textnn.tune import autotune

BUDGET = 600.0


def revision() -> str:
    """The git revision of the textnn being run (its source folder's), with '+' if changed."""
    source = Path(textnn.__file__).resolve().parent
    run = lambda *args: subprocess.run(  # noqa: E731
        ["git", "-C", str(source), *args], capture_output=True, text=True
    ).stdout.strip()
    return run("rev-parse", "--short", "HEAD") + ("+" if run("status", "--porcelain") else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", help="a built-in dataset with train and validation splits")
    parser.add_argument("--budget", type=float, default=BUDGET, help="seconds (default 600)")
    parser.add_argument("--label", default="", help="what this run's code is, for the file")
    parser.add_argument("--seed", type=int, default=0, help="the search's seed (default 0)")
    parser.add_argument("--quick", action="store_true", help="smoke run; writes nothing")
    args = parser.parse_args()
    full = load_dataset(args.data)
    if "validation" not in full.splits:
        parser.error(f"{args.data} has no validation split to judge on")
    if args.quick:
        full = common.smoke(full)
    judge = full["validation"]
    searched = Dataset(full.name, full.label_names, {"train": full["train"]})
    # no test split carved from train: the judge is the official validation split
    config = RunConfig().with_overrides(
        {"data.name": full.name, "data.test_fraction": 0.0, "train.seed": args.seed}
    )
    started = time.perf_counter()
    result = autotune(
        config, None, budget=12.0 if args.quick else args.budget, dataset=searched, echo=print
    )
    report = evaluate(
        judge.labels, result.outputs.predict_proba(judge.texts), full.label_names, result.thresholds
    )
    line = {
        "data": args.data,
        "label": args.label,
        "revision": revision(),
        "budget": args.budget,
        "seed": args.seed,
        "metric": result.metric,
        "judge": {k: report[k] for k in ("macro_f1", "micro_f1", "accuracy") if k in report},
        "validation": round(result.validation_score, 5),
        "chosen": [f"trial {m.number} ({m.config.model})" for m in result.members],
        "trials": [{k: r.get(k) for k in ("trial", "model", "state", "validation", "seconds",
                                          "best_epoch", "epochs")} for r in result.trials],
        "seconds": round(time.perf_counter() - started, 1),
        "machine": common.cpu(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }  # fmt: skip
    print(json.dumps(line))
    if args.quick:
        print("quick run: nothing written")
        return
    runs = [*earlier_runs(), line]
    common.write("judge_autotune", {"runs": runs})


def earlier_runs() -> list[dict]:
    """The runs the results file holds (and those of its first form, a .jsonl, folded in)."""
    path = common.RESULTS / "judge_autotune.json"
    runs = json.loads(path.read_text())["runs"] if path.is_file() else []
    first_form = common.RESULTS / "judge_autotune.jsonl"
    if first_form.is_file():
        runs += [json.loads(text) for text in first_form.read_text().splitlines() if text]
        first_form.unlink()
    return runs


if __name__ == "__main__":
    main()

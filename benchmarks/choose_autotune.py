"""How autotune answers, chosen without looking at test data.

Inside each of the first K folds of bench_accuracy's 10-fold split (seed 0), 10% of the fold's
training part is held out as the judge (as `choose_partners.py` does); autotune searches the
rest for BUDGET seconds (bench_autotune's share of a fold: 10 minutes over 10 folds; the whole
10 minutes for the datasets it measures on their official split, IMDb and GoEmotions), without
its refit, so every rule below answers with models trained on the same texts. Each rule then
decides on the search's own validation split and is scored on the judge:

- `greedy`: the best trial alone or the vote grown greedily from it (tune/choose.py's
  `selected`; autotune until 2026-12-06);
- `plain unless clearly (k sd)`: the vote of plain train's fits, the first four trials,
  unless the greedy answer is clearly better on validation, by over k standard deviations
  (tune/choose.py's `choose`; autotune since, with CLEARLY);
- `plain vote`: always that vote; `best trial`: the best trial alone.

Writes benchmarks/results/choose_autotune.json (docs/benchmarks.md quotes it); the test split
is never read.

    python benchmarks/choose_autotune.py uci_sentences 6 cr 4 mr 4 subj 3 mpqa 3 ag_news_test 3
    python benchmarks/choose_autotune.py goemotions_single 2
    python benchmarks/choose_autotune.py --quick   # a smoke run: 300 texts, 1 fold, seconds
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common
from bench_autotune import OFFICIAL, STAND_INS

from textnn.config import RunConfig
from textnn.data import load_dataset, stratified_kfold, train_validation_split
from textnn.data.dataset import Dataset
from textnn.runs.ensemble import vote
from textnn.runs.partner import validation_accuracy
from textnn.tune import autotune
from textnn.tune.choose import choose, plain, selected

BUDGET = 60.0
MARGINS = (1.0, 2.0, 3.0)  # standard deviations for "clearly better"
RULES = (
    "greedy",
    *(f"plain unless clearly ({m:g} sd)" for m in MARGINS),
    "plain vote",
    "best trial",
)


def judged(candidates, val_labels, judge) -> tuple[dict[str, float], dict[str, list[int]]]:
    """Judge accuracy of each rule's answer and the trial numbers it answers with."""
    answers = {
        "greedy": selected(candidates, val_labels, "accuracy")[0],
        **{
            f"plain unless clearly ({m:g} sd)": choose(candidates, val_labels, "accuracy", m)[0]
            for m in MARGINS
        },
        "plain vote": plain(candidates) or candidates[:1],
        "best trial": candidates[:1],
    }
    on_judge = {c.number: c.predictor.predict_proba(judge.texts) for c in candidates}
    scores = {
        rule: validation_accuracy(judge.labels, vote([on_judge[m.number] for m in members]))
        for rule, members in answers.items()
    }
    return scores, {rule: sorted(m.number for m in members) for rule, members in answers.items()}


def run(name: str, folds: int, budget: float | None = None, quick: bool = False) -> dict:
    if budget is None:
        budget = BUDGET * 10 if name in OFFICIAL else BUDGET
    data = STAND_INS[name]() if name in STAND_INS else load_dataset(name)
    if quick:
        data = common.smoke(data)
    examples = data.train
    parts = [t for t, _ in stratified_kfold(examples.labels, 10, seed=0)]
    rows = []
    for k, train_idx in enumerate(parts[:folds]):
        rest, judge = train_validation_split(examples.subset(train_idx), 0.1, seed=123)
        fold = Dataset(name, data.label_names, {"train": rest})
        config = RunConfig().with_overrides({"data.name": name})
        searched = autotune(
            config, None, budget=budget, dataset=fold, echo=lambda _: None, refit=False
        )
        scores, answers = judged(searched.candidates, searched.validation_labels, judge)
        trials = sum(r["state"] == "complete" for r in searched.trials)
        rows.append({"fold": k, **scores, "answers": answers, "trials": trials})
        print(f"{name} fold {k}: " + ", ".join(f"{r} {scores[r]:.4f}" for r in RULES), flush=True)
    mean = {r: round(statistics.mean(row[r] for row in rows), 4) for r in RULES}
    return {"folds": rows, "mean": mean, "budget_seconds": budget}


def main() -> None:
    args = sys.argv[1:]
    if args == ["--quick"]:
        print(run("uci_sentences", 1, budget=12.0, quick=True)["mean"])
        print("quick run: nothing written")
        return
    if not args or len(args) % 2:
        sys.exit(__doc__.split("\n\n")[-1])
    path = common.RESULTS / "choose_autotune.json"
    results = json.loads(path.read_text())["datasets"] if path.is_file() else {}
    for name, folds in zip(args[::2], args[1::2], strict=True):
        results[name] = {**run(name, int(folds)), "date": common.machine()["date"]}
        print(name, results[name]["mean"], flush=True)
        common.write("choose_autotune", {"datasets": results})


if __name__ == "__main__":
    main()

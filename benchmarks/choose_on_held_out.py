"""Choose between settings for the sentence cross-validations without looking at test data.

Inside each of the first K folds of bench_accuracy's 10-fold split, 10% of the fold's training
part is held out as the judge; each setting (bench_accuracy's SENTENCES with the given overrides)
trains on the rest, with its own validation split, and is scored on the judge. Prints the mean
judge accuracy of each setting; the fold's test part is never read.

    python benchmarks/choose_on_held_out.py uci_sentences 10 \\
        '{"init": "runs/demo", "train.learning_rate": 3e-4}' \\
        '{"init": "runs/imdb-self-trained", "train.learning_rate": 3e-4}'
    python benchmarks/choose_on_held_out.py mr 5 '{"train.refit": false}' '{"train.refit": true}'
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_accuracy import SENTENCES, quiet

from textnn.config import RunConfig
from textnn.data import load_dataset, stratified_kfold, train_validation_split
from textnn.data.dataset import Dataset
from textnn.pipeline import train


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", choices=["uci_sentences", "mr"])
    parser.add_argument("folds", type=int, help="how many of the 10 folds to use")
    parser.add_argument("settings", nargs="+", type=json.loads, help="JSON overrides, one each")
    args = parser.parse_args()
    data = load_dataset(args.data)
    examples = data.train
    scores: list[list[float]] = [[] for _ in args.settings]
    for k, (train_idx, _) in enumerate(stratified_kfold(examples.labels, 10, seed=0)):
        if k >= args.folds:
            break
        rest, judge = train_validation_split(examples.subset(train_idx), 0.1, seed=123)
        fold = Dataset(args.data, data.label_names, {"train": rest, "test": judge})
        for runs, overrides in zip(scores, args.settings, strict=True):
            values = {**SENTENCES, "data.name": args.data, **overrides}
            result = train(RunConfig().with_overrides(values), None, dataset=fold, echo=quiet)
            runs.append(result.report["accuracy"])
        print(f"fold {k}: " + ", ".join(f"{s[-1]:.4f}" for s in scores), flush=True)
    for overrides, runs in zip(args.settings, scores, strict=True):
        print(f"{json.dumps(overrides)}: judge accuracy {statistics.mean(runs):.4f}")


if __name__ == "__main__":
    main()

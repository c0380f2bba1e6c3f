"""textnn autotune with word vectors the user gives (`textnn autotune --embeddings FILE`), on
bench_autotune's splits of Kim 2014's four sentence datasets: how much of the gap to his CNN
(300-d word2vec from about 100 billion words of news) vectors from text of the data's own kind
close, where autotune's default is GloVe 6B 50d; and on IMDb (`--only imdb`: its official
split, the whole budget), whose own unlabelled reviews the issue lets a run use.

The vectors are a file of the user's (`--vectors`), for example the Makefile's
`runs/imdb-skipgram-100d.txt`: 100-d skip-gram vectors from IMDb's 75,000 training and
unlabelled reviews (`textnn vectors`; no labels, no text of these datasets). The splits, the
budget per fold and the protocol are bench_autotune's (10-fold stratified cross-validation,
seed 1; autotune judges on a validation split of each fold's training part; the test part is
read once); bench_autotune's results (autotune.json) give the default's row beside it.

    python benchmarks/bench_given_vectors.py --vectors runs/imdb-skipgram-100d.txt --only mr,cr
    python benchmarks/bench_given_vectors.py --vectors runs/imdb-skipgram-100d.txt --only imdb
    python benchmarks/bench_given_vectors.py --quick --vectors runs/quick-vectors.txt

`--init RUN` instead gives autotune a trained run to start from (`textnn autotune --init`):
for example the Makefile's `runs/imdb-sentences-textcnn`, a TextCNN trained on the sentences
of IMDb's labelled training reviews. That is transfer from other labelled data, which Kim's CNN
did not have: its rows (given_run.json) are a separate measure, not his protocol.

    python benchmarks/bench_given_vectors.py --init runs/imdb-sentences-textcnn --only mr,cr
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common
from bench_autotune import autotuned

from textnn.config import RunConfig
from textnn.data import load_dataset, stratified_kfold
from textnn.data.dataset import Dataset
from textnn.tune import parse_budget

KIM_DATASETS = ("mr", "subj", "cr", "mpqa")
OFFICIAL_SPLIT = ("imdb",)  # train / test as published, one search with the whole budget


def about(vectors: Path) -> dict:
    """What the results say of the vectors: their file, its digest, and the record
    `textnn vectors` wrote beside it (its settings and the text it learnt from)."""
    record = Path(str(vectors) + ".json")
    return {
        "file": vectors.name,
        "sha256": hashlib.sha256(vectors.read_bytes()).hexdigest(),
        "record": json.loads(record.read_text()) if record.is_file() else None,
    }


def about_run(run: Path) -> dict:
    """What the results say of the run given to start from: its folder, its data and model,
    and a digest of its parameters."""
    config = json.loads((run / "config.json").read_text())
    return {
        "run": run.name,
        "data": config["data"]["name"],
        "sentences": config["data"].get("sentences", False),
        "model": config["model"],
        "embeddings": config.get("embeddings"),
        "sha256": hashlib.sha256((run / "params.safetensors").read_bytes()).hexdigest(),
    }


def run_dataset(name: str, config: RunConfig, budget: float, folds: int, quick: bool) -> dict:
    """Autotune with `config` (the vectors or the run given) on each of the dataset's folds
    (bench_autotune's)."""
    data = load_dataset(name)
    if quick:
        data = common.smoke(data)
    if name in OFFICIAL_SPLIT:
        splits = [Dataset(name, data.label_names, {"train": data.train, "test": data.test})]
        protocol = f"official split, train {len(data.train):,} / test {len(data.test):,}"
    else:
        splits = [
            Dataset(
                name,
                data.label_names,
                {"train": data.train.subset(train_idx), "test": data.train.subset(test_idx)},
            )
            for train_idx, test_idx in stratified_kfold(data.train.labels, k=folds, seed=1)
        ]
        protocol = f"{folds}-fold stratified cross-validation of {len(data.train):,} texts"
    folds = len(splits)
    rows = []
    for number, split in enumerate(splits):
        row = autotuned(split, budget / folds, config)
        print(
            f" {name} fold {number + 1}/{folds}: {row['accuracy']:.4f} "
            f"({row['seconds']:.0f} s) | chose {row['chosen']}",
            flush=True,
        )
        rows.append(row)
    accuracies = [r["accuracy"] for r in rows]
    return {
        "protocol": protocol,
        "budget_seconds": budget,
        "folds": rows,
        "mean": round(statistics.fmean(accuracies), 4),
        "std": round(statistics.stdev(accuracies), 4) if len(rows) > 1 else 0.0,
        "seconds": round(statistics.fmean(r["seconds"] for r in rows), 1),
        "chosen": [r["chosen"] for r in rows],
        "date": common.machine()["date"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    given = parser.add_mutually_exclusive_group(required=True)
    given.add_argument("--vectors", type=Path, help="the vectors file to give")
    given.add_argument("--init", type=Path, help="a trained run to start from (given_run.json)")
    parser.add_argument("--only", default=",".join(KIM_DATASETS), help="comma-separated")
    parser.add_argument("--budget", default="10m", help="autotune's budget per dataset")
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.vectors is not None and not args.vectors.is_file():
        parser.error(f"--vectors: no such file {args.vectors} (make runs/imdb-skipgram-100d.txt)")
    if args.init is not None and not (args.init / "params.safetensors").is_file():
        parser.error(f"--init: no trained run in {args.init} (make {args.init}/params.safetensors)")
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    known = (*KIM_DATASETS, *OFFICIAL_SPLIT)
    unknown = sorted(set(names) - set(known))
    if unknown:
        parser.error(f"--only: {', '.join(unknown)}; choose from {', '.join(known)}")
    budget, folds = parse_budget(args.budget), args.folds
    if args.quick:
        budget, folds = 16.0, 2  # 8 s a fold
    if args.vectors is not None:
        stem, key, given = "given_vectors", "vectors", about(args.vectors)
        config = RunConfig(embeddings=str(args.vectors))
    else:
        stem, key, given = "given_run", "init", about_run(args.init)
        config = RunConfig(init=str(args.init.resolve()))
    path = common.RESULTS / f"{stem}.json"
    previous = {} if args.quick or not path.is_file() else json.loads(path.read_text())
    if previous and previous[key]["sha256"] != given["sha256"]:
        previous = {}  # other vectors or another run: the earlier rows are of those
    results = dict(previous.get("datasets", {}))
    for name in names:
        results[name] = run_dataset(name, config, budget, folds, args.quick)
        if not args.quick:
            common.write(stem, {key: given, "datasets": results})
    if args.quick:
        print("quick run: nothing written")


if __name__ == "__main__":
    main()

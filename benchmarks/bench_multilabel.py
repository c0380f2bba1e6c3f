"""Multi-label classification on GoEmotions (28 labels; official train / validation / test):
textnn runs beside TF-IDF + one-vs-rest logistic regression and fastText `-loss ova`, in one
run. Every method's per-label thresholds are chosen on the validation split the same way
(`textnn.train.thresholds.tune_thresholds`: each label's best F1); test is read once per
method. `textnn autotune` gets the same texts: train and validation as its training data, of
which it holds out as many as the validation split has (stratified) to judge its trials and
choose the thresholds. The paper (Demszky et al. 2020) reports test macro F1: biLSTM 0.41,
BERT-base 0.46.

    python benchmarks/bench_multilabel.py            # writes results/multilabel.json
    python benchmarks/bench_multilabel.py --only "textnn autotune"   # that row (and the
                                                     # baselines, again), the rest kept
    python benchmarks/bench_multilabel.py --quick    # smoke run on 300 texts a split
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common
from baselines import words

from textnn.config import RunConfig
from textnn.data import load_dataset
from textnn.data.dataset import Dataset
from textnn.runs.evaluate import evaluate
from textnn.runs.pipeline import train
from textnn.train.thresholds import tune_thresholds
from textnn.tune import autotune

AUTOTUNE = "textnn autotune"
BUDGET = 600.0  # seconds: the 10 minutes a dataset
QUICK_BUDGET = 12.0

# textnn's rows: (name, settings); each trains on train, picks its epoch and thresholds on
# validation.
TEXTNN = {
    "textnn (plain defaults)": {},
    "textnn fasttext (bigrams, GloVe 50d)": {
        "model": "fasttext",
        "embeddings": "glove-6b-50d",
        "text.tokenizer": "glove",
        "train.learning_rate": 0.003,
        "train.epochs": 10,
        "train.patience": 2,
    },
    "textnn textcnn (GloVe 50d)": {
        "model": "textcnn",
        "embeddings": "glove-6b-50d",
        "text.tokenizer": "glove",
        "text.max_length": 64,
        "train.epochs": 15,
        "train.patience": 3,
    },
}


def textnn_row(settings: dict, dataset, quick: bool) -> dict:
    values = {"data.name": "goemotions", **settings}
    if quick:
        values["train.epochs"] = 1
    config = RunConfig().with_overrides(values)
    started = time.perf_counter()
    result = train(config, None, dataset=dataset, echo=lambda _: None)
    report = result.report
    return {
        "macro_f1": report["macro_f1"],
        "micro_f1": report["micro_f1"],
        "subset_accuracy": report["accuracy"],
        "seconds": round(time.perf_counter() - started, 1),
        "model": result.config.model,
        "epochs_run": len(result.history.epochs),
    }


def autotune_row(dataset, budget: float) -> dict:
    """textnn autotune (its defaults: judged by validation macro F1) on train + validation,
    holding out as many texts as the validation split has; test read once, at the end."""
    train_all = dataset["train"] + dataset["validation"]
    fraction = round(len(dataset["validation"]) / len(train_all), 4)
    searched = Dataset(
        dataset.name, dataset.label_names, {"train": train_all, "test": dataset["test"]}
    )
    config = RunConfig().with_overrides(
        {"data.name": dataset.name, "data.validation_fraction": fraction}
    )
    started = time.perf_counter()
    result = autotune(config, None, budget=budget, dataset=searched, echo=print)
    report = result.report
    states = [r["state"] for r in result.trials]
    return {
        "macro_f1": report["macro_f1"],
        "micro_f1": report["micro_f1"],
        "subset_accuracy": report["accuracy"],
        "seconds": round(time.perf_counter() - started, 1),
        "budget": budget,
        "metric": result.metric,
        "validation": round(result.validation_score, 5),
        "chosen": [f"trial {m.number} ({m.config.model})" for m in result.members],
        "refitted": result.refitted,
        "trials": {state: states.count(state) for state in sorted(set(states))},
    }


def scored(name, val_probs, test_probs, dataset, seconds) -> dict:
    """Thresholds from validation, then the test report."""
    thresholds = tune_thresholds(dataset["validation"].labels, val_probs)
    report = evaluate(dataset["test"].labels, test_probs, dataset.label_names, thresholds)
    print(f"{name}: macro F1 {report['macro_f1']:.4f} micro F1 {report['micro_f1']:.4f}")
    return {
        "macro_f1": report["macro_f1"],
        "micro_f1": report["micro_f1"],
        "subset_accuracy": report["accuracy"],
        "seconds": round(seconds, 1),
    }


def tfidf_ovr(dataset) -> dict:
    """TF-IDF (word 1-2-grams) + one logistic regression per label (scikit-learn)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    started = time.perf_counter()
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    features = vectorizer.fit_transform([words(t) for t in dataset["train"].texts])
    model = OneVsRestClassifier(LogisticRegression(C=10.0, max_iter=2000), n_jobs=1)
    model.fit(features, dataset["train"].labels.astype(int))

    def probs(split):
        return model.predict_proba(vectorizer.transform([words(t) for t in dataset[split].texts]))

    val, test = probs("validation"), probs("test")
    return scored("TF-IDF + OvR LR", val, test, dataset, time.perf_counter() - started)


def fasttext_ova(dataset, quick: bool) -> dict:
    """fastText supervised with `-loss ova` (one-vs-all), bigrams, 25 epochs, lr 0.5."""
    import fasttext

    names = dataset.label_names
    lines = []
    for text, row in zip(dataset["train"].texts, dataset["train"].labels, strict=True):
        tags = " ".join(f"__label__{names[i]}" for i in np.flatnonzero(row))
        lines.append(f"{tags} {words(text)}")
    random.Random(0).shuffle(lines)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(lines) + "\n")
    started = time.perf_counter()
    try:
        model = fasttext.train_supervised(
            f.name, loss="ova", wordNgrams=2, epoch=1 if quick else 25, lr=0.5, thread=2,
            verbose=0, seed=0,
        )  # fmt: skip
    finally:
        Path(f.name).unlink()
    index = {f"__label__{n}": i for i, n in enumerate(names)}

    def probs(split):
        out = np.zeros((len(dataset[split]), len(names)), np.float32)
        labels, values = model.predict(
            [words(t) for t in dataset[split].texts], k=-1, threshold=0.0
        )
        for row, (ls, vs) in enumerate(zip(labels, values, strict=True)):
            for label, value in zip(ls, vs, strict=True):
                out[row, index[label]] = value
        return out

    val, test = probs("validation"), probs("test")
    return scored("fastText -loss ova", val, test, dataset, time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run; writes no results")
    parser.add_argument(
        "--only",
        nargs="+",
        help=f"textnn rows to run (names as in TEXTNN, or {AUTOTUNE!r}); the baselines run "
        "again beside them, and the file's other rows are kept",
    )
    args = parser.parse_args()
    dataset = load_dataset("goemotions")
    if args.quick:
        dataset = common.smoke(dataset)
    rows = {
        "TF-IDF + OvR LR": tfidf_ovr(dataset),
        "fastText -loss ova": fasttext_ova(dataset, args.quick),
    }
    # Quick: one textnn row (every row runs the same code) unless --only names others; the
    # autotune row's budget is wall clock, so the smoke run gives it a step of its own.
    names = args.only or ([list(TEXTNN)[-1]] if args.quick else [*TEXTNN, AUTOTUNE])
    unknown = set(names) - {*TEXTNN, AUTOTUNE}
    if unknown:
        parser.error(f"unknown rows {sorted(unknown)}: choose from {[*TEXTNN, AUTOTUNE]}")
    for name, settings in TEXTNN.items():
        if name in names:
            rows[name] = textnn_row(settings, dataset, args.quick)
            print(f"{name}: {rows[name]}", flush=True)
    if AUTOTUNE in names:
        rows[AUTOTUNE] = autotune_row(dataset, QUICK_BUDGET if args.quick else BUDGET)
        print(f"{AUTOTUNE}: {rows[AUTOTUNE]}", flush=True)
    if args.quick:
        print("quick run: nothing written")
        return
    now = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    for row in rows.values():
        row.update(measured=now, machine=common.cpu())
    kept = {}
    if args.only and common.RESULTS.joinpath("multilabel.json").is_file():
        earlier = json.loads(common.RESULTS.joinpath("multilabel.json").read_text())
        kept = {name: row for name, row in earlier["rows"].items() if name not in rows}
        for row in kept.values():  # rows from before rows recorded their own run
            row.setdefault("measured", earlier["machine"]["date"])
            row.setdefault("machine", {"cpu": earlier["machine"]["cpu"]})
    order = ["TF-IDF + OvR LR", "fastText -loss ova", *TEXTNN, AUTOTUNE]
    every = {**kept, **rows}
    rows = {name: every[name] for name in order if name in every}
    sizes = {name: len(split) for name, split in dataset.splits.items()}
    common.write("multilabel", {"dataset": "goemotions", "sizes": sizes, "rows": rows,
                                "published": {"biLSTM": 0.41, "BERT-base": 0.46}})  # fmt: skip


if __name__ == "__main__":
    main()

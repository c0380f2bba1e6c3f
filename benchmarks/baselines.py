"""The baselines that textnn's accuracy rows stand beside: TF-IDF + logistic regression
(scikit-learn) and fastText (its Python bindings), on the same texts and splits."""

from __future__ import annotations

import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from textnn.data import train_validation_split


def words(text: str) -> str:
    """Lowercased word tokens joined by spaces: the input the linear baselines get."""
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


def tfidf_lr(train_texts, train_labels, test_texts, test_labels) -> dict:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    started = time.perf_counter()
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    features = vectorizer.fit_transform(train_texts)
    model = LogisticRegression(C=10.0, max_iter=2000).fit(features, train_labels)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    predicted = model.predict(vectorizer.transform(test_texts))
    return {
        "accuracy": float((predicted == test_labels).mean()),
        "train_seconds": round(seconds, 2),
        "predict_seconds": round(time.perf_counter() - started, 2),
    }


def fasttext_train(texts, labels, ngrams: int, epochs: int, lr: float = 0.1, tries: int = 3):
    """(model, seconds): fastText supervised (fasttext-numpy2-wheel, dim 100, 2 threads) on a
    shuffled training file; the seconds are its `train_supervised` call.

    fastText's two threads update the weights without locks, so a run is not reproducible, and
    now and then one diverges ("Encountered NaN": seen once, on an MR fold at lr 0.1 with
    bigrams, in a CI smoke run). Such a run is started again with the next seed, up to `tries`
    times; the seconds are those of the run that finished."""
    import fasttext

    lines = [f"__label__{y} {words(t)}" for t, y in zip(texts, labels, strict=True)]
    random.Random(0).shuffle(lines)  # fastText reads in order; aclImdb is sorted by label
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(lines) + "\n")
    try:
        for seed in range(tries):
            started = time.perf_counter()
            try:
                model = fasttext.train_supervised(
                    f.name, wordNgrams=ngrams, epoch=epochs, lr=lr, thread=2, verbose=0, seed=seed
                )
            except RuntimeError as error:
                if "NaN" not in str(error) or seed == tries - 1:
                    raise
                print(f"fastText diverged (seed {seed}): starting again", flush=True)
                continue
            return model, time.perf_counter() - started
    finally:
        Path(f.name).unlink()
    raise AssertionError("unreachable")


def fasttext_accuracy(model, texts, labels) -> tuple[float, float]:
    """(accuracy, seconds of the `predict` call)."""
    lines = [words(t) for t in texts]
    started = time.perf_counter()
    predicted, _ = model.predict(lines)
    seconds = time.perf_counter() - started
    predicted = np.array([int(p[0].removeprefix("__label__")) for p in predicted])
    return float((predicted == np.asarray(labels)).mean()), seconds


def fasttext_cli(
    train_texts, train_labels, test_texts, test_labels, ngrams: int, epochs: int
) -> dict:
    """fastText with its defaults (lr 0.1): 5 epochs for IMDb (its default), 25 for the small
    sentence sets (its tutorial's advice for small data; 5 leaves them underfit)."""
    model, train_seconds = fasttext_train(train_texts, train_labels, ngrams, epochs)
    accuracy, predict_seconds = fasttext_accuracy(model, test_texts, test_labels)
    return {
        "accuracy": accuracy,
        "train_seconds": round(train_seconds, 2),
        "predict_seconds": round(predict_seconds, 2),
    }


FASTTEXT_GRID = [(epochs, lr) for epochs in (5, 10, 20) for lr in (0.1, 0.25, 0.5)]


def fasttext_validated(examples, test_texts, test_labels, ngrams: int, quick: bool) -> dict:
    """fastText with epochs and learning rate chosen on the same 10% validation split that
    textnn's models use (FASTTEXT_GRID); the chosen model (trained on the other 90%) is
    tested, and its own training time reported, as for textnn's rows."""
    train_ex, val_ex = train_validation_split(examples, 0.1, seed=0)
    best = None
    for epochs, lr in FASTTEXT_GRID[:1] if quick else FASTTEXT_GRID:
        model, seconds = fasttext_train(train_ex.texts, train_ex.labels, ngrams, epochs, lr)
        val_accuracy, _ = fasttext_accuracy(model, val_ex.texts, val_ex.labels)
        print(f"fastText ngrams {ngrams} epochs {epochs} lr {lr}: val {val_accuracy:.4f}")
        if best is None or val_accuracy > best[0]:
            best = (val_accuracy, epochs, lr, model, seconds)
    val_accuracy, epochs, lr, model, seconds = best
    accuracy, predict_seconds = fasttext_accuracy(model, test_texts, test_labels)
    return {
        "accuracy": accuracy,
        "train_seconds": round(seconds, 2),
        "predict_seconds": round(predict_seconds, 2),
        "val_accuracy": val_accuracy,
        "settings": {"epoch": epochs, "lr": lr, "wordNgrams": ngrams},
    }


def fasttext_autotuned(train_ex, val_ex, test_texts, test_labels, seconds: float) -> dict:
    """fastText's own search (`-autotune-validation` on `val_ex`, `-autotune-duration`
    `seconds`; word n-grams, epochs, lr, dim and buckets are its to choose), trained on
    `train_ex`, then tested."""
    import fasttext

    files = []
    for examples in (train_ex, val_ex):
        lines = [
            f"__label__{y} {words(t)}" for t, y in zip(examples.texts, examples.labels, strict=True)
        ]
        random.Random(0).shuffle(lines)
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write("\n".join(lines) + "\n")
        files.append(f.name)
    # fastText's search keeps to its duration, but the final training with the arguments it
    # found does not (on a Subj fold it ran for more than 25 minutes after a 60 s search): it
    # runs in a child process, stopped at `limit` seconds and reported as not finished.
    limit = 3 * seconds + 120
    model_path = files[0] + ".bin"
    code = (
        "import sys, fasttext\n"
        "m = fasttext.train_supervised(sys.argv[1], autotuneValidationFile=sys.argv[2], "
        "autotuneDuration=int(sys.argv[3]), thread=2, verbose=0)\n"
        "m.save_model(sys.argv[4])\n"
    )
    try:
        started = time.perf_counter()
        try:
            done = subprocess.run(
                [sys.executable, "-c", code, files[0], files[1], str(max(1, int(seconds))),
                 model_path],
                timeout=limit, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            return {"accuracy": None, "train_seconds": round(limit, 1), "failed": "timed out"}
        if done.returncode != 0:  # e.g. "Encountered NaN" in its final training
            reason = (done.stderr.strip().splitlines() or ["no message"])[-1][:200]
            print(f"fastText autotune failed: {reason}", flush=True)
            return {
                "accuracy": None,
                "train_seconds": round(time.perf_counter() - started, 1),
                "failed": reason,
            }
        train_seconds = time.perf_counter() - started
        model = fasttext.load_model(model_path)
    finally:
        for name in (*files, model_path):
            Path(name).unlink(missing_ok=True)
    accuracy, _ = fasttext_accuracy(model, test_texts, test_labels)
    args = model.f.getArgs()
    return {
        "accuracy": accuracy,
        "train_seconds": round(train_seconds, 1),
        "chosen": f"wordNgrams {args.wordNgrams}, epoch {args.epoch}, lr {args.lr:.3g}, "
        f"dim {args.dim}",
    }

"""Dataset statistics: examples and class balance per split, and token lengths."""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import numpy as np

from textnn.data.dataset import Dataset
from textnn.data.formats import guess_format
from textnn.data.load import load_dataset
from textnn.errors import DataWarning
from textnn.text.tokenize import Tokenizer


def token_lengths(texts: list[str], tokenizer: Tokenizer) -> np.ndarray:
    """<int64>[n]: tokens per text under `tokenizer` (before any cut to max_length)."""
    return np.fromiter(map(len, tokenizer.tokenize_batch(texts)), dtype=np.int64, count=len(texts))


def dataset_stats(dataset: Dataset, tokenizer: Tokenizer | None = None) -> dict:
    """Per split: count, per-class counts, and token-length quantiles under `tokenizer`."""
    tokenizer = tokenizer or Tokenizer("words")
    out: dict = {"name": dataset.name, "classes": dataset.label_names, "splits": {}}
    out["multilabel"] = dataset.multilabel
    for split, examples in dataset.splits.items():
        lengths = token_lengths(examples.texts, tokenizer)
        counts = examples.class_counts(dataset.num_classes)
        out["splits"][split] = {
            "examples": len(examples),
            # multi-label: the texts carrying each label
            "per_class": dict(zip(dataset.label_names, counts.tolist(), strict=True)),
            "tokens": {
                "tokenizer": tokenizer.config.name,
                "mean": round(float(lengths.mean()), 1),
                "median": int(np.median(lengths)),
                "p90": int(np.percentile(lengths, 90)),
                "p99": int(np.percentile(lengths, 99)),
                "max": int(lengths.max()),
                "total": int(lengths.sum()),
            },
        }
    if dataset.unlabeled is not None:
        out["unlabeled"] = len(dataset.unlabeled)
    return out


def inspect_data(
    path: str | Path, *, test: str | Path | None = None, format: str | None = None, **options
) -> dict:
    """What textnn will read from a file or folder of your own, before any training: its
    format, the columns of a CSV/TSV header, per split the examples, classes and token
    lengths, and every bad line (read as on_error='skip' would, unless `on_error` is given:
    listed, not hidden)."""
    path = Path(path).expanduser()
    options.setdefault("on_error", "skip")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataWarning)
        dataset = load_dataset(path, test=test, format=format, **options)
    found = format or guess_format(path, options.get("encoding", "utf-8"))
    out = {"path": str(path), "format": found, **dataset_stats(dataset)}
    if found in ("csv", "tsv"):
        out["columns"] = _header(path, options, "\t" if found == "tsv" else ",")
    out["skipped"] = [str(s) for s in dataset.skipped]
    # what training would warn about, but the skipped lines: listed above in full
    out["warnings"] = [
        str(w.message)
        for w in caught
        if issubclass(w.category, DataWarning) and not str(w.message).startswith("skipped ")
    ]
    return out


def _header(path: Path, options: dict, delimiter: str) -> list[str]:
    encoding = options.get("encoding", "utf-8")
    with open(path, encoding=encoding, errors="replace", newline="") as f:
        return next(csv.reader(f, delimiter=options.get("delimiter", delimiter)), [])

"""Dataset statistics: examples and class balance per split, and token lengths."""

from __future__ import annotations

import numpy as np

from textnn.data.dataset import Dataset
from textnn.text.tokenize import Tokenizer


def token_lengths(texts: list[str], tokenizer: Tokenizer) -> np.ndarray:
    """<int64>[n]: tokens per text under `tokenizer` (before any cut to max_length)."""
    return np.fromiter(map(len, tokenizer.tokenize_batch(texts)), dtype=np.int64, count=len(texts))


def dataset_stats(dataset: Dataset, tokenizer: Tokenizer | None = None) -> dict:
    """Per split: count, per-class counts, and token-length quantiles under `tokenizer`."""
    tokenizer = tokenizer or Tokenizer("words")
    out: dict = {"name": dataset.name, "classes": dataset.label_names, "splits": {}}
    for split, examples in dataset.splits.items():
        lengths = token_lengths(examples.texts, tokenizer)
        counts = examples.class_counts(dataset.num_classes)
        out["splits"][split] = {
            "examples": len(examples),
            "per_class": dict(zip(dataset.label_names, counts.tolist(), strict=True)),
            "tokens": {
                "tokenizer": tokenizer.config.name,
                "mean": round(float(lengths.mean()), 1),
                "median": int(np.median(lengths)),
                "p90": int(np.percentile(lengths, 90)),
                "max": int(lengths.max()),
                "total": int(lengths.sum()),
            },
        }
    if dataset.unlabeled is not None:
        out["unlabeled"] = len(dataset.unlabeled)
    return out

"""Multi-label decisions: per-label probability thresholds chosen on validation data to maximise
each label's F1, and the decisions and F1 scores they give."""

from __future__ import annotations

import numpy as np

DEFAULT_THRESHOLD = 0.5


def tune_thresholds(labels: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
    """<float32>[classes]: for each label the threshold that maximises its F1 on these rows
    (labels <float32>[n, classes] of 0s and 1s, probabilities <float32>[n, classes]); the
    midpoint between the last probability taken and the next, so that a slightly different
    probability decides the same. A label with no positive row keeps 0.5."""
    n, classes = labels.shape
    out = np.full(classes, DEFAULT_THRESHOLD, np.float32)
    for c in range(classes):
        positives = labels[:, c] > 0.5
        total = int(positives.sum())
        if total == 0 or n == 0:
            continue
        order = np.argsort(-probabilities[:, c], kind="stable")
        ranked = probabilities[order, c]
        hits = np.cumsum(positives[order])  # true positives when the top k+1 rows are taken
        taken = np.arange(1, n + 1)
        f1 = 2 * hits / (taken + total)
        # Only cut between different probabilities: tied rows are taken together.
        cut = np.r_[ranked[1:] < ranked[:-1], True]
        best = int(np.flatnonzero(cut)[np.argmax(f1[cut])])
        below = ranked[best + 1] if best + 1 < n else 0.0
        out[c] = (ranked[best] + below) / 2
    return out


def decide(probabilities: np.ndarray, thresholds: np.ndarray | float) -> np.ndarray:
    """<bool>[n, classes]: which labels each row carries (probability at or above its label's
    threshold)."""
    return probabilities >= np.asarray(thresholds, np.float32)


def f1_scores(labels: np.ndarray, decided: np.ndarray) -> tuple[float, float]:
    """(micro F1, macro F1) of decisions <bool>[n, classes] against 0/1 labels; a label with
    neither positives nor predictions scores 0 in the macro mean, as scikit-learn's
    zero_division=0 does."""
    truth = labels > 0.5
    tp = (truth & decided).sum(axis=0).astype(np.float64)
    fp = (~truth & decided).sum(axis=0)
    fn = (truth & ~decided).sum(axis=0)
    micro = 2 * tp.sum() / max(2 * tp.sum() + fp.sum() + fn.sum(), 1)
    per_label = np.where(2 * tp + fp + fn > 0, 2 * tp / np.maximum(2 * tp + fp + fn, 1), 0.0)
    return float(micro), float(per_label.mean())

"""The validation scores autotune can maximise."""

from __future__ import annotations

import numpy as np
from sklearn import metrics

METRICS = ("accuracy", "macro_f1")


def score(metric: str, labels: np.ndarray, probabilities: np.ndarray) -> float:
    """`metric` of the argmax of <float32>[n, classes] `probabilities` against <int>[n]
    `labels`."""
    predicted = probabilities.argmax(axis=1)
    if metric == "accuracy":
        return float((predicted == labels).mean())
    classes = np.arange(probabilities.shape[1])
    return float(
        metrics.f1_score(labels, predicted, labels=classes, average="macro", zero_division=0)
    )

"""The validation scores autotune can maximise.

Multi-label data (labels <float32>[n, classes] of 0s and 1s) is scored as its run will decide:
each label at the threshold that maximises its F1 on these rows (`train.thresholds`), which is
what the pipeline chooses for a run and what `train` stops on (`val_macro_f1`). The same
thresholds are chosen for every trial, so their scores compare fairly, if a little above what
new texts will give."""

from __future__ import annotations

import numpy as np
from sklearn import metrics

from textnn.train.thresholds import decide, f1_scores, tune_thresholds

METRICS = ("accuracy", "macro_f1", "micro_f1")
# The score of each trial's epochs that the pruner compares (the trainer's epoch record), for
# multi-label data; single-label trials report their validation accuracy.
EPOCH_SCORE = {"accuracy": "val_accuracy", "macro_f1": "val_macro_f1", "micro_f1": "val_micro_f1"}


def default_metric(multilabel: bool) -> str:
    """accuracy for single-label data; macro F1 for multi-label data, where every label's
    accuracy is a strict figure (subset accuracy) and macro F1 is what `train` stops on."""
    return "macro_f1" if multilabel else "accuracy"


def epoch_score(metric: str, record: dict) -> float:
    """The figure of an epoch `record` the pruner compares trials by."""
    if "val_macro_f1" in record:  # a multi-label run's record
        return record[EPOCH_SCORE[metric]]
    return record["val_accuracy"]


def score(metric: str, labels: np.ndarray, probabilities: np.ndarray) -> float:
    """`metric` of <float32>[n, classes] `probabilities` against <int>[n] `labels` (their
    argmax; micro F1 is then the accuracy) or multi-label <float32>[n, classes] ones
    (`multilabel_score`)."""
    if labels.ndim == 2:
        return multilabel_score(metric, labels, probabilities)
    predicted = probabilities.argmax(axis=1)
    if metric in ("accuracy", "micro_f1"):
        return float((predicted == labels).mean())
    classes = np.arange(probabilities.shape[1])
    return float(
        metrics.f1_score(labels, predicted, labels=classes, average="macro", zero_division=0)
    )


def multilabel_score(metric: str, labels: np.ndarray, probabilities: np.ndarray) -> float:
    """`metric` of multi-label decisions, each label at its best-F1 threshold on these rows:
    accuracy is the share of rows with every label right (subset accuracy)."""
    decided = decide(probabilities, tune_thresholds(labels, probabilities))
    if metric == "accuracy":
        return float((decided == (labels > 0.5)).all(axis=1).mean())
    micro, macro = f1_scores(labels, decided)
    return micro if metric == "micro_f1" else macro

"""Metrics of a multi-label run from true label sets and each label's probability: micro and
macro F1, per-label precision/recall/F1 at the run's thresholds, subset accuracy, Hamming loss
and precision@k."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn import metrics

from textnn.train.thresholds import DEFAULT_THRESHOLD, decide

TOP_K = (1, 3)


def evaluate_multilabel(
    labels: np.ndarray,
    probabilities: np.ndarray,
    label_names: Sequence[str],
    thresholds: np.ndarray | None = None,
) -> dict:
    """labels <float32>[n, classes] of 0s and 1s, probabilities <float32>[n, classes]; each
    label decided at its threshold (`thresholds`, None: 0.5). `accuracy` is the subset
    accuracy (every label of the text right), so that callers reading a run's accuracy read
    the strictest figure."""
    truth = np.asarray(labels) > 0.5
    cut = (
        np.full(len(label_names), DEFAULT_THRESHOLD, np.float32)
        if thresholds is None
        else thresholds
    )
    decided = decide(probabilities, cut)
    p, r, f, support = metrics.precision_recall_fscore_support(truth, decided, zero_division=0)
    clipped = np.clip(probabilities, 1e-7, 1 - 1e-7)
    order = np.argsort(-probabilities, axis=1, kind="stable")
    report = {
        "examples": len(truth),
        "multilabel": True,
        "accuracy": float(metrics.accuracy_score(truth, decided)),
        "micro_f1": float(metrics.f1_score(truth, decided, average="micro", zero_division=0)),
        "macro_f1": float(metrics.f1_score(truth, decided, average="macro", zero_division=0)),
        "weighted_f1": float(metrics.f1_score(truth, decided, average="weighted", zero_division=0)),
        "hamming_loss": float(metrics.hamming_loss(truth, decided)),
        "log_loss": float(-(truth * np.log(clipped) + (~truth) * np.log(1 - clipped)).mean()),
        "precision_at_k": {
            str(k): float(np.take_along_axis(truth, order[:, :k], axis=1).mean())
            for k in TOP_K
            if k <= len(label_names)
        },
        "labels_per_text": float(truth.sum(axis=1).mean()),
        "per_class": {
            name: {
                "precision": float(p[i]),
                "recall": float(r[i]),
                "f1": float(f[i]),
                "support": int(support[i]),
                "threshold": float(cut[i]),
            }
            for i, name in enumerate(label_names)
        },
        "label_names": list(label_names),
    }
    return report


def class_table(report: dict, threshold: bool = False) -> list[str]:
    """A line per class: precision, recall, F1, support (and its threshold), under a header."""
    names = report["label_names"]
    width = max(12, *(len(n) for n in names))
    lines = [f"{'':<{width}}  precision  recall     f1  support" + ("  threshold" * threshold)]
    for name in names:
        c = report["per_class"][name]
        lines.append(
            f"{name:<{width}}  {c['precision']:9.4f}  {c['recall']:6.4f}  "
            f"{c['f1']:5.4f}  {c['support']:7d}" + (f"  {c['threshold']:9.3f}" if threshold else "")
        )
    return lines


def format_multilabel_report(report: dict) -> str:
    """The report as text: a per-label table with each label's threshold, then the totals."""
    lines = class_table(report, threshold=True)
    at_k = "   ".join(f"precision@{k} {v:.4f}" for k, v in report["precision_at_k"].items())
    lines += [
        "",
        f"micro F1 {report['micro_f1']:.4f}   macro F1 {report['macro_f1']:.4f}   subset "
        f"accuracy {report['accuracy']:.4f}   Hamming loss {report['hamming_loss']:.4f}",
        f"{at_k}   ({report['examples']:,} examples, "
        f"{report['labels_per_text']:.2f} labels per text)",
    ]
    return "\n".join(lines)

"""Metrics and reports from true labels and predicted probabilities."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn import metrics


def evaluate(labels: np.ndarray, probabilities: np.ndarray, label_names: Sequence[str]) -> dict:
    """accuracy, macro/weighted F1, log loss, per-class precision/recall/F1/support and the
    confusion matrix (rows: true class, columns: predicted)."""
    labels = np.asarray(labels)
    classes = list(range(len(label_names)))
    predicted = probabilities.argmax(-1)
    p, r, f, support = metrics.precision_recall_fscore_support(
        labels, predicted, labels=classes, zero_division=0
    )
    return {
        "examples": len(labels),
        "accuracy": float(metrics.accuracy_score(labels, predicted)),
        "macro_f1": float(
            metrics.f1_score(labels, predicted, labels=classes, average="macro", zero_division=0)
        ),
        "weighted_f1": float(
            metrics.f1_score(labels, predicted, labels=classes, average="weighted", zero_division=0)
        ),
        "log_loss": float(
            metrics.log_loss(labels, np.clip(probabilities, 1e-7, 1.0), labels=classes)
        ),
        "per_class": {
            name: {
                "precision": float(p[i]),
                "recall": float(r[i]),
                "f1": float(f[i]),
                "support": int(support[i]),
            }
            for i, name in enumerate(label_names)
        },
        "confusion_matrix": metrics.confusion_matrix(labels, predicted, labels=classes).tolist(),
        "label_names": list(label_names),
    }


def format_report(report: dict) -> str:
    """The report as text: a per-class table and the confusion matrix."""
    names = report["label_names"]
    width = max(12, *(len(n) for n in names))
    lines = [f"{'':<{width}}  precision  recall     f1  support"]
    for name in names:
        c = report["per_class"][name]
        lines.append(
            f"{name:<{width}}  {c['precision']:9.4f}  {c['recall']:6.4f}  "
            f"{c['f1']:5.4f}  {c['support']:7d}"
        )
    lines += [
        "",
        f"accuracy {report['accuracy']:.4f}   macro F1 {report['macro_f1']:.4f}   weighted F1 "
        f"{report['weighted_f1']:.4f}   log loss {report['log_loss']:.4f}   "
        f"({report['examples']:,} examples)",
        "",
        "confusion matrix (rows: true, columns: predicted)",
        f"{'':<{width}}  " + "  ".join(f"{n[:9]:>9}" for n in names),
    ]
    for name, row in zip(names, report["confusion_matrix"], strict=True):
        lines.append(f"{name:<{width}}  " + "  ".join(f"{v:9d}" for v in row))
    return "\n".join(lines)

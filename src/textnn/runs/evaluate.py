"""Metrics and reports from true labels and predicted probabilities, and a trained run
evaluated on its own splits or on another dataset."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from sklearn import metrics

from textnn.config import RunConfig
from textnn.data import load_dataset
from textnn.errors import DataError
from textnn.runs.data import split_data
from textnn.runs.multilabel_report import (
    class_table,
    evaluate_multilabel,
    format_multilabel_report,
)
from textnn.runs.predictor import Outputs


def evaluate(
    labels: np.ndarray,
    probabilities: np.ndarray,
    label_names: Sequence[str],
    thresholds: np.ndarray | None = None,
) -> dict:
    """accuracy, macro/weighted F1, log loss, per-class precision/recall/F1/support and the
    confusion matrix (rows: true class, columns: predicted). Multi-label labels
    <float32>[n, classes]: `evaluate_multilabel`'s report, each label decided at its
    `thresholds`."""
    labels = np.asarray(labels)
    if labels.ndim == 2:
        return evaluate_multilabel(labels, probabilities, label_names, thresholds)
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
    if report.get("multilabel"):
        return format_multilabel_report(report)
    names = report["label_names"]
    lines = class_table(report)
    lines += [
        "",
        f"accuracy {report['accuracy']:.4f}   macro F1 {report['macro_f1']:.4f}   weighted F1 "
        f"{report['weighted_f1']:.4f}   log loss {report['log_loss']:.4f}   "
        f"({report['examples']:,} examples)",
        "",
        "confusion matrix (rows: true, columns: predicted)",
    ]
    # Columns carry the class names when they fit and stay distinct; else numbers, with each
    # row's full name after its number (`comp.sys.ibm...` and `comp.sys.mac...` both cut to
    # nine characters would read alike).
    cell = max(6, *(len(str(v)) for row in report["confusion_matrix"] for v in row))
    named = all(len(n) <= cell for n in names)
    heads = names if named else [str(i) for i in range(len(names))]
    rows = names if named else [f"{i:>{len(str(len(names) - 1))}} {n}" for i, n in enumerate(names)]
    first = max(len(r) for r in rows)
    lines.append(f"{'':<{first}}  " + "  ".join(f"{h:>{cell}}" for h in heads))
    for row_name, row in zip(rows, report["confusion_matrix"], strict=True):
        lines.append(f"{row_name:<{first}}  " + "  ".join(f"{v:{cell}d}" for v in row))
    return "\n".join(lines)


def evaluate_run(
    predictor: Outputs,
    config: RunConfig,
    data: str | None = None,
    split: str | None = None,
    echo: Callable[[str], None] = print,
    **options,
) -> dict:
    """Evaluate a trained predictor (or an Ensemble) on `split` (default: test). Without
    `data`: on the run's own dataset, with the same seeded splits it was trained with (so
    `test` is the held-out test split even where the dataset has none of its own). With `data`
    (a dataset or your file, read with the reader `options`): that dataset's split, labels
    mapped by name; a file of your own with no test split is evaluated whole (`echo` says so)."""
    if data is None:
        split = split or "test"
        label_names, train_ex, val_ex, test_ex = split_data(config, echo=lambda _: None)
        parts = {"train": train_ex, "validation": val_ex, "test": test_ex}
        if parts.get(split) is None:
            raise DataError(
                f"the run's data has no {split!r} split; choose one of "
                f"{[k for k, v in parts.items() if v is not None]}"
            )
        examples = parts[split]
    else:
        dataset = load_dataset(data, **options)
        if split is None and "test" not in dataset.splits and list(dataset.splits) == ["train"]:
            echo(f"{data} has no test split: evaluating on all of its {len(dataset.train):,} texts")
            split = "train"
        examples, label_names = dataset[split or "test"], dataset.label_names
    unknown = sorted(set(label_names) - set(predictor.label_names))
    if unknown:
        raise DataError(
            f"labels {unknown} of {data!r} are not among the run's labels {predictor.label_names}"
        )
    index = {n: i for i, n in enumerate(predictor.label_names)}
    probabilities = predictor.predict_proba(examples.texts)
    if examples.multilabel != predictor.multilabel:
        kinds = {True: "multi-label", False: "single-label"}
        raise DataError(
            f"the data is {kinds[examples.multilabel]} but the run is "
            f"{kinds[predictor.multilabel]}: evaluate it on data of its kind"
        )
    if examples.multilabel:
        columns = [index[name] for name in label_names]
        labels = np.zeros((len(examples), len(index)), np.float32)
        labels[:, columns] = examples.labels
        return evaluate(labels, probabilities, predictor.label_names, predictor.thresholds)
    labels = np.array([index[label_names[y]] for y in examples.labels], np.int32)
    return evaluate(labels, probabilities, predictor.label_names)

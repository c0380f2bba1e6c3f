"""Pictures of data, training and results (matplotlib, no display needed). Each function returns
a matplotlib Figure (made without pyplot: no display, no global state, nothing to close);
`save(figure, path)` writes PNG or SVG by the file's suffix.

  confusion_matrix   counts and row-normalised, class names on the axes
  training_curves    per epoch: train loss, train accuracy, validation accuracy
  length_histogram   tokens per text of a split, with the truncation length marked
  embedding_map      PCA to 2-D of some words' vectors, labelled
  per_class_bars     precision, recall and F1 for every class
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from textnn.errors import DataError

FORMATS = (".png", ".svg")
# The course's embedding-map example: countries and their capitals.
CAPITALS = [
    "china",
    "beijing",
    "russia",
    "moscow",
    "france",
    "paris",
    "germany",
    "berlin",
    "japan",
    "tokyo",
]


def save(figure: Figure, path: str | Path, dpi: int = 120) -> Path:
    """Write `figure` as PNG or SVG (chosen by the suffix)."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise DataError(f"plots are written as {' or '.join(FORMATS)}", path=path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=dpi, bbox_inches="tight")
    return path


def to_bytes(figure: Figure, format: str = "png", dpi: int = 110) -> bytes:
    """The figure as PNG or SVG bytes (for embedding in a page)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format=format, dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


def confusion_matrix(matrix: Sequence[Sequence[int]], label_names: Sequence[str]) -> Figure:
    """Two panels: counts, and each row divided by its total (recall on the diagonal)."""
    counts = np.asarray(matrix, dtype=np.int64)
    rates = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    n = len(label_names)
    size = max(4.0, 0.55 * n + 2.5)
    figure = Figure(figsize=(2 * size + 1, size), layout="constrained")
    axes = figure.subplots(1, 2)
    for ax, values, title, fmt in (
        (axes[0], counts, "counts", "{:,}"),
        (axes[1], rates, "row-normalised", "{:.2f}"),
    ):
        image = ax.imshow(rates, cmap="Blues", vmin=0, vmax=1)
        ax.set_title(title)
        ax.set_xticks(range(n), label_names, rotation=45, ha="right")
        ax.set_yticks(range(n), label_names)
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        for i in range(n):
            for j in range(n):
                dark = rates[i, j] > 0.5
                ax.text(j, i, fmt.format(values[i, j]), ha="center", va="center",
                        color="white" if dark else "black", fontsize=9)  # fmt: skip
    figure.colorbar(image, ax=axes, shrink=0.8, label="fraction of the true class")
    return figure


def training_curves(epochs: Sequence[dict]) -> Figure:
    """Loss on the left axis, accuracies on the right, per epoch (the textbook's animator); a
    refit's epochs (records with `refit`, on train + validation) as grey lines of their own."""
    if not epochs:
        raise DataError("no epochs to plot (metrics.jsonl is empty)")
    refit = [e for e in epochs if e.get("refit")]
    epochs = [e for e in epochs if not e.get("refit")]
    x = [e["epoch"] for e in epochs]
    figure = Figure(figsize=(7, 4), layout="constrained")
    loss_ax = figure.subplots()
    loss_ax.plot(x, [e["train_loss"] for e in epochs], "o-", color="tab:blue", label="train loss")
    loss_ax.set_xlabel("epoch")
    loss_ax.set_ylabel("loss")
    acc_ax = loss_ax.twinx()
    acc_ax.plot(x, [e["train_accuracy"] for e in epochs], "s--", color="tab:purple",
                label="train accuracy")  # fmt: skip
    if all("val_accuracy" in e for e in epochs):
        acc_ax.plot(x, [e["val_accuracy"] for e in epochs], "^-", color="tab:green",
                    label="validation accuracy")  # fmt: skip
    if refit:
        rx = [e["epoch"] for e in refit]
        loss_ax.plot(rx, [e["train_loss"] for e in refit], "o:", color="grey",
                     label="refit train loss")  # fmt: skip
        acc_ax.plot(rx, [e["train_accuracy"] for e in refit], "s:", color="darkgrey",
                    label="refit train accuracy")  # fmt: skip
    acc_ax.set_ylabel("accuracy")
    lines = loss_ax.get_lines() + acc_ax.get_lines()
    loss_ax.legend(lines, [line.get_label() for line in lines], loc="center right")
    loss_ax.set_xticks(sorted({*x, *(e["epoch"] for e in refit)}))
    loss_ax.grid(alpha=0.3)
    loss_ax.set_title("training")
    return figure


def length_histogram(
    lengths: Sequence[int], max_length: int | None = None, title: str = ""
) -> Figure:
    """Histogram of tokens per text; `max_length` marked, with the share of texts it cuts."""
    lengths = np.asarray(lengths)
    if lengths.size == 0:
        raise DataError("no texts to plot")
    figure = Figure(figsize=(7, 4), layout="constrained")
    ax = figure.subplots()
    ax.hist(lengths, bins=min(60, max(10, int(np.sqrt(lengths.size)))), color="tab:blue", alpha=0.8)
    if max_length is not None:
        cut = float((lengths > max_length).mean())
        ax.axvline(max_length, color="tab:red", linestyle="--",
                   label=f"max_length {max_length} (cuts {cut:.1%} of texts)")  # fmt: skip
        ax.legend()
    ax.set_xlabel("tokens per text")
    ax.set_ylabel("texts")
    ax.set_title(title or f"{lengths.size:,} texts: median {int(np.median(lengths))} tokens")
    return figure


def embedding_map(words: Sequence[str], vectors: np.ndarray, title: str = "") -> Figure:
    """The words' vectors <float>[n, dim] projected on their first two principal components."""
    vectors = np.asarray(vectors, dtype=np.float64)
    if len(words) != len(vectors) or len(words) < 2:
        raise DataError("give at least two words, each with a vector")
    centred = vectors - vectors.mean(axis=0)
    _, _, components = np.linalg.svd(centred, full_matrices=False)
    points = centred @ components[:2].T
    figure = Figure(figsize=(6, 5), layout="constrained")
    ax = figure.subplots()
    ax.scatter(points[:, 0], points[:, 1], color="tab:blue")
    for word, (px, py) in zip(words, points, strict=True):
        ax.annotate(word, (px, py), textcoords="offset points", xytext=(4, 4))
    ax.set_xlabel("principal component 1")
    ax.set_ylabel("principal component 2")
    ax.set_title(title or "word vectors, PCA to 2-D")
    ax.grid(alpha=0.3)
    return figure


def per_class_bars(report: dict) -> Figure:
    """Grouped bars of precision, recall and F1 per class, from an evaluation report."""
    classes = list(report["per_class"])
    x = np.arange(len(classes))
    figure = Figure(figsize=(max(6, 1.2 * len(classes) + 2), 4), layout="constrained")
    ax = figure.subplots()
    for i, (metric, color) in enumerate(
        (("precision", "tab:blue"), ("recall", "tab:orange"), ("f1", "tab:green"))
    ):
        values = [report["per_class"][c][metric] for c in classes]
        bars = ax.bar(x + (i - 1) * 0.27, values, 0.27, label=metric, color=color)
        ax.bar_label(bars, fmt="%.2f", fontsize=8)
    ax.set_xticks(x, classes, rotation=30 if len(classes) > 4 else 0)
    ax.set_ylim(0, 1.12)
    ax.set_ylabel("score")
    ax.set_title(f"per class (accuracy {report['accuracy']:.4f})")
    ax.legend(loc="lower right")
    return figure

"""The import path `textnn.plots` of earlier releases, kept so that code written for them
still runs: the code lives in `textnn.analysis.plots`."""

from textnn.analysis.plots import (
    CAPITALS,
    FORMATS,
    confusion_matrix,
    embedding_map,
    length_histogram,
    per_class_bars,
    save,
    to_bytes,
    training_curves,
)

__all__ = [
    "CAPITALS",
    "FORMATS",
    "confusion_matrix",
    "embedding_map",
    "length_histogram",
    "per_class_bars",
    "save",
    "to_bytes",
    "training_curves",
]

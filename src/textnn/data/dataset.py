"""The in-memory dataset: texts with integer labels, split by name, and a label map."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from textnn.data.readers import RawExamples, Skipped
from textnn.errors import DataError


@dataclass(frozen=True)
class Examples:
    """Texts and their labels. `labels`: <int32>[n], indices into the dataset's label names; or
    for multi-label data <float32>[n, classes], 1 where the text carries the label."""

    texts: list[str]
    labels: np.ndarray

    def __post_init__(self) -> None:
        if len(self.texts) != len(self.labels):
            raise ValueError(f"{len(self.texts)} texts but {len(self.labels)} labels")

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def multilabel(self) -> bool:
        return self.labels.ndim == 2

    def subset(self, indices: np.ndarray | Sequence[int]) -> Examples:
        indices = np.asarray(indices, dtype=np.int64)
        return Examples([self.texts[i] for i in indices], self.labels[indices])

    def __add__(self, other: Examples) -> Examples:
        """These examples followed by `other`'s."""
        return Examples(self.texts + other.texts, np.concatenate([self.labels, other.labels]))

    def class_counts(self, num_classes: int) -> np.ndarray:
        """<int64>[num_classes]: how many examples each class has (multi-label: carry it)."""
        if self.multilabel:
            return self.labels.sum(axis=0).astype(np.int64)
        return np.bincount(self.labels, minlength=num_classes)


@dataclass
class Dataset:
    """Named splits (`train`, `test`, ...) sharing one list of label names.

    `unlabeled` holds texts without labels (IMDb's 50,000 `unsup` reviews) when asked for;
    `skipped` lists what an `on_error='skip'` policy left out.
    """

    name: str
    label_names: list[str]
    splits: dict[str, Examples]
    unlabeled: list[str] | None = None
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def num_classes(self) -> int:
        return len(self.label_names)

    @property
    def multilabel(self) -> bool:
        """Whether texts carry lists of labels (any split tells: AG News offline has test only)."""
        return any(split.multilabel for split in self.splits.values())

    def __getitem__(self, split: str) -> Examples:
        if split not in self.splits:
            raise DataError(
                f"dataset {self.name!r} has no split {split!r}; it has {', '.join(self.splits)}"
            )
        return self.splits[split]

    @property
    def train(self) -> Examples:
        return self["train"]

    @property
    def test(self) -> Examples | None:
        return self.splits.get("test")


def _sort_key(label: str) -> tuple[int, float, str]:
    """Numeric labels in numeric order ('2' before '10'), then the rest alphabetically."""
    try:
        return (0, float(label), label)
    except ValueError:
        return (1, 0.0, label)


def label_set(label: str | tuple[str, ...]) -> tuple[str, ...]:
    """A raw label as a tuple of names: a single label is a list of one."""
    return label if isinstance(label, tuple) else (label,)


def infer_label_names(*raws: RawExamples) -> list[str]:
    """Every distinct label in the given examples, numbers first in numeric order."""
    names = {name for raw in raws for label in raw.labels for name in label_set(label)}
    return sorted(names, key=_sort_key)


def encode_labels(
    raw: RawExamples, label_names: Sequence[str], multilabel: bool | None = None
) -> Examples:
    """Map string labels to indices of `label_names`; an unknown label names its file and line.
    Multi-label (`multilabel`, default: when any example holds a list of labels): a
    <float32>[n, classes] indicator matrix, a single label counting as a list of one."""
    index = {name: i for i, name in enumerate(label_names)}
    multilabel = raw.multilabel if multilabel is None else multilabel

    def position(i: int, label: str) -> int:
        if label not in index:
            path, line = raw.where[i]
            raise DataError(
                f"unknown label {label!r}; the labels are {list(label_names)}",
                path=path,
                line=line,
                field="label",
            )
        return index[label]

    if multilabel:
        matrix = np.zeros((len(raw), len(label_names)), dtype=np.float32)
        for i, label in enumerate(raw.labels):
            for name in label_set(label):
                matrix[i, position(i, name)] = 1.0
        return Examples(list(raw.texts), matrix)
    labels = np.empty(len(raw), dtype=np.int32)
    for i, label in enumerate(raw.labels):
        labels[i] = position(i, label)
    return Examples(list(raw.texts), labels)

"""Ragged token ids: many sequences of different lengths in one flat array."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Ragged:
    """Sequence i is `ids[offsets[i]:offsets[i + 1]]`.

    ids: <int32>[total]; offsets: <int64>[n + 1], starting at 0, non-decreasing.
    """

    ids: np.ndarray
    offsets: np.ndarray

    @classmethod
    def from_lengths(cls, ids: np.ndarray, lengths: np.ndarray) -> Ragged:
        """From the concatenated ids and each sequence's length."""
        offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        if offsets[-1] != len(ids):
            raise ValueError(f"lengths add up to {offsets[-1]}, but there are {len(ids)} ids")
        return cls(np.asarray(ids, dtype=np.int32), offsets)

    @classmethod
    def from_lists(cls, sequences: Sequence[Sequence[int]]) -> Ragged:
        lengths = np.fromiter(map(len, sequences), dtype=np.int64, count=len(sequences))
        flat = np.fromiter(
            itertools.chain.from_iterable(sequences), dtype=np.int32, count=int(lengths.sum())
        )
        return cls.from_lengths(flat, lengths)

    @property
    def lengths(self) -> np.ndarray:
        """<int64>[n]: each sequence's length."""
        return np.diff(self.offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> np.ndarray:
        return self.ids[self.offsets[i] : self.offsets[i + 1]]

    def take(self, indices: np.ndarray | Sequence[int]) -> Ragged:
        """The sequences at `indices`, in that order."""
        indices = np.asarray(indices, dtype=np.int64)
        lengths = self.lengths[indices]
        offsets = np.zeros(len(indices) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        # Position j of the result reads ids[start of its sequence + its place within it].
        starts = np.repeat(self.offsets[:-1][indices] - offsets[:-1], lengths)
        return Ragged(self.ids[starts + np.arange(offsets[-1])], offsets)

    def tolist(self) -> list[list[int]]:
        return [self[i].tolist() for i in range(len(self))]

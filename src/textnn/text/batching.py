"""Ragged ids -> padded batches.

Two ways to batch:
- `pad`: every sequence padded/truncated to one fixed length (models that see a fixed length, such
  as the MLP, need this; `pre`/`post` as in Keras).
- `BucketedBatches`: shuffle, then group sequences of similar length and pad each batch only to a
  multiple of `pad_multiple`, so recurrent and convolutional models spend almost no time on
  padding while the number of distinct shapes (and so of jit compilations) stays bounded.

Padding is always id 0 (`Vocab.pad_id`); lengths are the true (post-truncation) lengths.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import numpy as np

from textnn.text.ragged import Ragged

Side = Literal["pre", "post"]


def pad(
    sequences: Ragged,
    length: int,
    *,
    padding: Side = "post",
    truncating: Side = "post",
    pad_id: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Pad or truncate every sequence to `length`.

    Returns ids <int32>[n, length] and true lengths <int32>[n] (after truncation). `truncating`
    says which end loses tokens when a sequence is too long; `padding` which end gets pad ids.
    textnn's models mask with `post` padding (tokens first); `pre` exists for Keras parity.
    """
    if length < 1:
        raise ValueError(f"length must be at least 1, got {length}")
    for name, side in (("padding", padding), ("truncating", truncating)):
        if side not in ("pre", "post"):
            raise ValueError(f"{name} must be 'pre' or 'post', got {side!r}")
    raw = sequences.lengths
    kept = np.minimum(raw, length)
    # First token kept: the start, or (truncating 'pre') the last `length` tokens.
    first = sequences.offsets[:-1] + (raw - kept if truncating == "pre" else 0)
    column = np.arange(length)[None, :]
    # Where the tokens sit in the row: from column 0 ('post' padding) or right-aligned ('pre').
    shift = (length - kept)[:, None] if padding == "pre" else 0
    position = column - shift
    valid = (position >= 0) & (position < kept[:, None])
    source = np.where(valid, first[:, None] + position, 0)
    ids = np.where(valid, sequences.ids[source] if len(sequences.ids) else pad_id, pad_id)
    return ids.astype(np.int32), kept.astype(np.int32)


@dataclass(frozen=True)
class Batch:
    """One batch.

    ids: <int32>[batch, length]; lengths: <int32>[batch]; labels: <int32>[batch], multi-label
    <float32>[batch, classes], or None;
    index: <int64>[batch], each row's position in the source data, -1 for filler rows that only
    keep the batch shape fixed (their lengths are 0 and they must carry no weight).
    """

    ids: np.ndarray
    lengths: np.ndarray
    labels: np.ndarray | None
    index: np.ndarray

    @property
    def mask(self) -> np.ndarray:
        """<bool>[batch]: True for real rows."""
        return self.index >= 0

    @property
    def num_real(self) -> int:
        return int(self.mask.sum())


class BucketedBatches:
    """Batches of similar-length sequences; iterate once per epoch.

    Each epoch: shuffle (seeded by `seed` and the epoch number), cut the order into pools of
    `batch_size * pool_batches` sequences, sort each pool by length, cut it into batches, and
    shuffle the batch order. Each batch is padded to the next multiple of a step that starts at
    `pad_multiple` and doubles whenever the length passes 8 steps (16, 32, ..., 128, then 160,
    192, ..., 256, then 320, ...): padding stays under a quarter of a batch's longest row (under
    `pad_multiple` for short ones), and a jit-compiled model sees at most 8 shapes per doubling
    of length (20 up to 1,000 tokens instead of 63), so compiling stays cheap. Lengths stop at
    `max_length` (longer sequences are truncated). With `bucket=False` every batch is padded to
    `max_length`. With `full_batches=True` the last batch gets filler rows (index -1) so every
    batch has `batch_size` rows.
    Every sequence appears in exactly one batch per epoch.
    """

    def __init__(
        self,
        sequences: Ragged,
        labels: np.ndarray | None = None,
        *,
        batch_size: int = 64,
        max_length: int | None = None,
        pad_multiple: int = 16,
        shuffle: bool = True,
        seed: int = 0,
        bucket: bool = True,
        pool_batches: int = 50,
        full_batches: bool = True,
    ) -> None:
        if batch_size < 1 or pad_multiple < 1 or pool_batches < 1:
            raise ValueError("batch_size, pad_multiple and pool_batches must be positive")
        if labels is not None and len(labels) != len(sequences):
            raise ValueError(f"{len(sequences)} sequences but {len(labels)} labels")
        if not bucket and max_length is None:
            raise ValueError("bucket=False pads every batch to max_length: give max_length")
        if max_length is not None and max_length < 1:
            raise ValueError(f"max_length must be at least 1, got {max_length}")
        self.sequences, self.labels = sequences, labels
        self.batch_size, self.max_length, self.pad_multiple = batch_size, max_length, pad_multiple
        self.shuffle, self.seed, self.bucket = shuffle, seed, bucket
        self.pool_batches, self.full_batches = pool_batches, full_batches
        self.epoch = 0
        lengths = sequences.lengths
        self._lengths = lengths if max_length is None else np.minimum(lengths, max_length)

    def __len__(self) -> int:
        return -(-len(self.sequences) // self.batch_size)

    def padded_length(self, longest: int) -> int:
        """The row length a batch whose longest sequence has `longest` tokens is padded to."""
        if not self.bucket:
            assert self.max_length is not None
            return self.max_length
        step = self.pad_multiple
        while longest > 8 * step:
            step *= 2
        length = max(1, -(-longest // step)) * step
        return length if self.max_length is None else min(length, self.max_length)

    def __iter__(self) -> Iterator[Batch]:
        batches = self.batches(self.epoch)
        self.epoch += 1
        return batches

    def batches(self, epoch: int) -> Iterator[Batch]:
        """The batches of one epoch (the same epoch number always gives the same batches)."""
        n = len(self.sequences)
        rng = np.random.default_rng([self.seed, epoch])
        order = rng.permutation(n) if self.shuffle else np.arange(n)
        groups: list[np.ndarray] = []
        pool = self.batch_size * self.pool_batches
        for start in range(0, n, pool):
            members = order[start : start + pool]
            if self.bucket:
                members = members[np.argsort(self._lengths[members], kind="stable")]
            groups += [
                members[i : i + self.batch_size] for i in range(0, len(members), self.batch_size)
            ]
        if self.shuffle:
            groups = [groups[i] for i in rng.permutation(len(groups))]
        for members in groups:
            yield self._make(members)

    def _make(self, members: np.ndarray) -> Batch:
        length = self.padded_length(int(self._lengths[members].max()))
        ids, lengths = pad(self.sequences.take(members), length)
        labels = None if self.labels is None else self.labels[members]
        if labels is not None:  # class ids, or multi-label rows of 0s and 1s
            labels = labels.astype(np.float32 if labels.ndim == 2 else np.int32)
        index = members.astype(np.int64)
        filler = self.batch_size - len(members) if self.full_batches else 0
        if filler:
            ids = np.concatenate([ids, np.zeros((filler, length), np.int32)])
            lengths = np.concatenate([lengths, np.zeros(filler, np.int32)])
            index = np.concatenate([index, np.full(filler, -1, np.int64)])
            if labels is not None:
                labels = np.concatenate(
                    [labels, np.zeros((filler, *labels.shape[1:]), labels.dtype)]
                )
        return Batch(ids, lengths, labels, index)

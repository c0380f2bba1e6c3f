"""Seeded, stratified splits: a validation split carved from train, and k folds.

Stratified: each class keeps its share in every part. Seeded: the same seed gives the same split
on every machine (numpy's PCG64 generator is platform-independent).
"""

from __future__ import annotations

import numpy as np

from textnn.data.dataset import Examples


def strata(labels: np.ndarray) -> np.ndarray:
    """<int>[n]: what each example is stratified by: its class, or for multi-label rows
    <float32>[n, classes] its rarest label (-1 for none), so that rare labels reach every
    part (a light form of Sechidis et al.'s iterative stratification)."""
    labels = np.asarray(labels)
    if labels.ndim == 1:
        return labels
    counts = labels.sum(axis=0)
    rarity = np.where(labels > 0, counts[None, :], np.inf)
    return np.where(labels.any(axis=1), rarity.argmin(axis=1), -1)


def _shuffled_by_class(labels: np.ndarray, seed: int) -> list[np.ndarray]:
    labels = strata(labels)
    rng = np.random.default_rng(seed)
    return [rng.permutation(np.flatnonzero(labels == c)) for c in np.unique(labels)]


def stratified_split(
    labels: np.ndarray, fraction: float, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Indices (kept, held_out) with `fraction` of each class held out (at least one per class
    that has two or more examples). Both index arrays are sorted."""
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"fraction must be between 0 and 1, got {fraction}")
    labels = np.asarray(labels)
    classes = _shuffled_by_class(labels, seed)
    sizes = np.array([len(m) for m in classes])
    # Largest remainder: each class gets floor(size * fraction), and the examples still owed to
    # reach round(total * fraction) go to the classes with the largest fractional parts.
    quota = sizes * fraction
    counts = np.floor(quota).astype(np.int64)
    owed = round(len(labels) * fraction) - int(counts.sum())
    if owed > 0:
        counts[np.argsort(-(quota - counts), kind="stable")[:owed]] += 1
    # A class of two or more keeps at least one example on each side.
    counts = np.where(sizes >= 2, np.clip(counts, 1, sizes - 1), 0)
    held = [members[:n] for members, n in zip(classes, counts, strict=True)]
    held_out = np.sort(np.concatenate(held)) if held else np.array([], dtype=np.int64)
    kept = np.setdiff1d(np.arange(len(labels)), held_out)
    return kept, held_out


def train_validation_split(
    examples: Examples, fraction: float = 0.1, seed: int = 0
) -> tuple[Examples, Examples]:
    """(train, validation) examples; validation takes `fraction` of each class."""
    kept, held = stratified_split(examples.labels, fraction, seed)
    return examples.subset(kept), examples.subset(held)


def stratified_kfold(
    labels: np.ndarray, k: int = 10, seed: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """k pairs of sorted indices (train, test); every example is in exactly one test fold and
    each class is spread over the folds as evenly as possible."""
    labels = np.asarray(labels)
    if k < 2:
        raise ValueError(f"k must be at least 2, got {k}")
    if k > len(labels):
        raise ValueError(f"k={k} folds need at least {k} examples, got {len(labels)}")
    fold_of = np.empty(len(labels), dtype=np.int64)
    offset = 0
    for members in _shuffled_by_class(labels, seed):
        # Continue the round robin where the previous class stopped, so fold sizes stay even.
        fold_of[members] = (np.arange(len(members)) + offset) % k
        offset += len(members)
    everything = np.arange(len(labels))
    return [(everything[fold_of != f], everything[fold_of == f]) for f in range(k)]

"""Compact lookup tables for prediction: a trained model's word, n-gram and folded convolution
tables stored as 8-bit codes, kept that way in memory and decoded row by row as they are
looked up (`textnn quantize`).

Two methods, as fastText's `quantize` offers:
- `int8`: each value rounded to one of 255 levels, v ~ code * scale, with one scale per row for
  wide tables (word vectors: a row's values share a range) and one per column for narrow ones
  (an n-gram table of a few classes, where a scale per row would cost more than the row).
- `pq`: product quantization (Jegou et al. 2011; fastText's `-dsub 2`): each row cut into
  pieces of 2 values, each piece replaced by the nearest of 256 centroids learnt for its
  position by k-means: one byte per 2 values.

Shapes: R rows, D columns, M = D / dsub pieces, K = 256 centroids.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

METHODS = ("int8", "pq")
WIDE = 16  # tables at least this wide get a scale per row (int8)
CENTROIDS = 256
KMEANS_ROWS = 1 << 16  # k-means learns from at most this many rows, then assigns every row
KMEANS_STEPS = 12


class QuantizedValue(nnx.Variable):
    """Codes, scales or centroids of a quantized table: saved with the run, never trained."""


class Int8Table(nnx.Module):
    """codes <int8>[R, D] and scales <float32>[R, 1] (a scale per row) or [1, D] (per column):
    row r is codes[r] * scales[r or 0]."""

    def __init__(self, codes: jax.Array, scales: jax.Array):
        self.codes, self.scales = QuantizedValue(codes), QuantizedValue(scales)

    @classmethod
    def of(cls, table: np.ndarray) -> Int8Table:
        """<float32>[R, D] -> its int8 form; per row when D >= WIDE, else per column."""
        table = np.asarray(table, np.float32)
        axis = 1 if table.shape[1] >= WIDE else 0
        top = np.abs(table).max(axis=axis, keepdims=True)
        # a scale of 0 (a zero row, or one so small that top / 127 underflows) would divide
        # by zero: such a row's codes are 0 at a scale of 1, within half a step of it
        scales = (top / np.float32(127.0)).astype(np.float32)
        scales = np.where(scales > 0, scales, np.float32(1.0)).astype(np.float32)
        codes = np.clip(np.rint(table / scales), -127, 127).astype(np.int8)
        return cls(jnp.asarray(codes), jnp.asarray(scales))

    @property
    def shape(self) -> tuple[int, int]:
        return tuple(self.codes[...].shape)

    def rows(self, ids: jax.Array) -> jax.Array:
        """ids <int32>[...] -> <float32>[..., D]."""
        scales = self.scales[...]
        scale = scales[ids] if scales.shape[1] == 1 and scales.shape[0] > 1 else scales[0]
        return self.codes[...][ids].astype(jnp.float32) * scale

    def dense(self) -> jax.Array:
        """<float32>[R, D]: every row decoded."""
        return self.codes[...].astype(jnp.float32) * self.scales[...]


class PQTable(nnx.Module):
    """codes <uint8>[R, M] and centroids <float32>[M, K, dsub] (K = 256, or R when fewer): row
    r is the concatenation of centroids[m, codes[r, m]] over the M pieces."""

    def __init__(self, codes: jax.Array, centroids: jax.Array):
        self.codes, self.centroids = QuantizedValue(codes), QuantizedValue(centroids)

    @classmethod
    def of(cls, table: np.ndarray, seed: int = 0) -> PQTable:
        """<float32>[R, D] -> its product-quantized form: pieces of 2 values (1 when D is odd)."""
        table = np.asarray(table, np.float32)
        rows, width = table.shape
        dsub = 2 if width % 2 == 0 else 1
        pieces = table.reshape(rows, width // dsub, dsub)
        rng = np.random.default_rng(seed)
        k = min(CENTROIDS, rows)  # a table of few rows: each its own centroid, exactly
        codes = np.zeros((rows, width // dsub), np.uint8)
        centroids = np.zeros((width // dsub, k, dsub), np.float32)
        for m in range(width // dsub):
            centroids[m], codes[:, m] = kmeans(pieces[:, m], k, rng)
        return cls(jnp.asarray(codes), jnp.asarray(centroids))

    @property
    def shape(self) -> tuple[int, int]:
        pieces, _, dsub = self.centroids[...].shape
        return (self.codes[...].shape[0], pieces * dsub)

    def rows(self, ids: jax.Array) -> jax.Array:
        """ids <int32>[...] -> <float32>[..., D]."""
        codes = self.codes[...][ids].astype(jnp.int32)  # [..., M]
        centroids = self.centroids[...]
        pieces = centroids[jnp.arange(centroids.shape[0]), codes]  # [..., M, dsub]
        return pieces.reshape(*ids.shape, -1)

    def dense(self) -> jax.Array:
        return self.rows(jnp.arange(self.codes[...].shape[0]))


QuantizedTable = Int8Table | PQTable


def kmeans(points: np.ndarray, k: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """points <float32>[N, d] -> (centroids <float32>[k, d], codes <uint8>[N]): Lloyd's
    k-means, learnt on a sample of at most KMEANS_ROWS points from k distinct ones (fewer
    distinct points than k: each is its own centroid, exactly)."""
    distinct = np.unique(points, axis=0)
    centroids = np.zeros((k, points.shape[1]), np.float32)
    if len(distinct) <= k:
        centroids[: len(distinct)] = distinct
        return centroids, nearest(points, centroids)
    sample = points if len(points) <= KMEANS_ROWS else points[rng.choice(len(points), KMEANS_ROWS)]
    centroids = sample[rng.choice(len(sample), k, replace=False)].copy()
    for _ in range(KMEANS_STEPS):
        assigned = nearest(sample, centroids)
        sums = np.zeros_like(centroids)
        np.add.at(sums, assigned, sample)
        counts = np.bincount(assigned, minlength=k)[:, None]
        # an empty cluster keeps its centroid
        centroids = np.where(counts > 0, sums / np.maximum(counts, 1), centroids)
    return centroids.astype(np.float32), nearest(points, centroids)


def nearest(points: np.ndarray, centroids: np.ndarray, chunk: int = 1 << 16) -> np.ndarray:
    """<uint8>[N]: the index of each point's nearest centroid (squared distance)."""
    norms = (centroids**2).sum(axis=1)
    out = np.empty(len(points), np.uint8)
    for start in range(0, len(points), chunk):
        part = points[start : start + chunk]
        out[start : start + chunk] = np.argmin(norms - 2.0 * part @ centroids.T, axis=1)
    return out


def quantize(table: np.ndarray, method: str) -> QuantizedTable:
    """<float32>[R, D] -> its compact form by `method` (int8 or pq)."""
    if method == "int8":
        return Int8Table.of(table)
    if method == "pq":
        return PQTable.of(table)
    raise ValueError(f"unknown quantization method {method!r}; choose one of {METHODS}")


def from_arrays(arrays: dict[str, np.ndarray], name: str) -> QuantizedTable:
    """The quantized table called `name` from a parameters file's arrays (NAME.codes beside
    NAME.scales for int8, NAME.centroids for pq), or KeyError."""
    codes = jnp.asarray(arrays[f"{name}.codes"])
    if f"{name}.centroids" in arrays:
        return PQTable(codes, jnp.asarray(arrays[f"{name}.centroids"]))
    return Int8Table(codes, jnp.asarray(arrays[f"{name}.scales"]))


def lookup(table, ids: jax.Array) -> jax.Array:
    """Rows `ids` <int32>[...] of a table variable <float32>[R, D] or of its quantized form ->
    <float32>[..., D]."""
    if isinstance(table, (Int8Table, PQTable)):
        return table.rows(ids)
    return table[...][ids]


def dense(table) -> jax.Array:
    """<float32>[R, D]: a table variable's value, or a quantized table decoded."""
    return table.dense() if isinstance(table, (Int8Table, PQTable)) else table[...]


def shape_of(table) -> tuple[int, ...]:
    return table.shape if isinstance(table, (Int8Table, PQTable)) else tuple(table[...].shape)


def is_quantized(table) -> bool:
    return isinstance(table, (Int8Table, PQTable))


def lookup_tables(model: nnx.Module) -> dict[str, tuple[nnx.Module, str]]:
    """Every table the model looks rows up in, by dotted path -> (module, attribute): the
    attributes each module class names in its LOOKUP_TABLES."""
    out = {}
    for path, module in nnx.iter_graph(model):
        if not isinstance(module, nnx.Module):
            continue
        for attr in getattr(type(module), "LOOKUP_TABLES", ()):
            if getattr(module, attr, None) is not None:
                out[".".join(str(p) for p in (*path, attr))] = (module, attr)
    return out


def quantize_model(model: nnx.Module, method: str) -> list[str]:
    """Replace every lookup table of `model` by its quantized form, in place, for prediction
    only (a model that must fold tables first, as nbsvm folds its ratios into its weights,
    does it here); returns the tables' names."""
    fold = getattr(model, "fold_for_prediction", None)
    if fold is not None:
        fold()
    names = []
    for name, (module, attr) in lookup_tables(model).items():
        table = getattr(module, attr)
        if is_quantized(table):
            raise ValueError(f"table {name!r} is quantized already")
        setattr(module, attr, quantize(np.asarray(table[...]), method))
        names.append(name)
    return names


def restore_quantized(model: nnx.Module, names: list[str], arrays: dict[str, np.ndarray]) -> None:
    """Give a freshly built `model` the quantized tables `names` from a parameters file's
    `arrays` (what `quantize_model` replaced); KeyError naming what is missing."""
    fold = getattr(model, "fold_for_prediction", None)
    if fold is not None:
        fold()
    tables = lookup_tables(model)
    for name in names:
        module, attr = tables[name]
        setattr(module, attr, from_arrays(arrays, name))

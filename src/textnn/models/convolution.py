"""Convolution over time on padded sequences: MaskedConv1D, several widths with ReLU and max
over time, and TabledConv (a trained convolution folded into per-token tables for prediction).

Shapes: B batch, T padded length, D embedding width, C channels.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from flax import nnx

from textnn.models.conv_max import conv_relu_max


class MaskedConv1D(nnx.Module):
    """Conv1D over time with 'SAME' zero padding, on inputs whose padding positions are zero.

    Because padded positions hold zeros, which is also what SAME padding adds past a sequence's
    end, the output at every real position is the same however much padding follows; outputs at
    padding positions are meaningless and must be masked by the caller.
    """

    def __init__(self, in_features: int, out_features: int, width: int, *, rngs: nnx.Rngs):
        self.conv = nnx.Conv(
            in_features, out_features, kernel_size=(width,), padding="SAME", rngs=rngs
        )

    def __call__(self, x: jax.Array) -> jax.Array:
        return self.conv(x)

    def table_bytes(self, vocab_size: int) -> int:
        """Memory that `tabled` needs for a vocabulary of `vocab_size`."""
        width, _, channels = self.conv.kernel[...].shape
        return width * vocab_size * channels * 4

    def tabled(self, vectors: jax.Array, int8: bool = False) -> TabledConv:
        """This convolution over embeddings `vectors` <float32>[vocab, D], folded into
        per-token tables for prediction (see TabledConv); `int8`: the tables stored as 8-bit
        codes with a scale per (offset, channel), for a quantized model."""
        kernel = self.conv.kernel[...]  # [width, D, C]
        tables = jnp.einsum("vd,wdc->wvc", vectors, kernel)
        if not int8:
            return TabledConv(tables, self.conv.bias[...])
        top = jnp.abs(tables).max(axis=1, keepdims=True)  # [width, 1, C]
        scales = jnp.where(top > 0, top / 127.0, 1.0)
        codes = jnp.clip(jnp.rint(tables / scales), -127, 127).astype(jnp.int8)
        return TabledConv(codes, self.conv.bias[...], scales)


def convs_relu_max(
    convs: list[MaskedConv1D], parts: tuple[jax.Array, ...], mask: jax.Array
) -> jax.Array:
    """`masked_max(relu(conv(x)), mask)` of each conv, concatenated -> <float32>[B, sum of C],
    for x = `parts` concatenated on the feature axis, with the cheaper backward pass of
    `conv_relu_max`."""
    kernels = tuple(conv.conv.kernel[...] for conv in convs)
    biases = tuple(conv.conv.bias[...] for conv in convs)
    return conv_relu_max(tuple(parts), kernels, biases, mask)


class InferenceTable(nnx.Variable):
    """Derived from trained parameters for prediction; never trained, never saved."""


class TabledConv(nnx.Module):
    """A MaskedConv1D over an embedding lookup, for prediction: ids <int32>[B, T] and mask
    <bool>[B, T] -> <float32>[B, T, C], the convolution's output at real positions.

    A convolution is linear in its input, so the output at t, sum over kernel offsets j of
    x[t + j - left] @ kernel[j], equals the sum of rows tables[j, ids[t + j - left]] where
    tables[j] = vectors @ kernel[j] is computed once. Prediction then adds `width` rows of C
    numbers per token instead of multiplying a D-wide vector by `width` D x C matrices, at the
    cost of width x vocab x C floats of memory (d2l's TextCNN on IMDb: 140 MB, built in about
    half a second; its inference speed is in docs/benchmarks.md). Padding contributes nothing,
    as in MaskedConv1D.
    """

    def __init__(self, tables: jax.Array, bias: jax.Array, scales: jax.Array | None = None):
        self.tables = InferenceTable(tables)  # [width, vocab, C]; int8 codes with `scales`
        self.bias = InferenceTable(bias)  # [C]
        self.scales = None if scales is None else InferenceTable(scales)  # [width, 1, C]

    def __call__(self, ids: jax.Array, mask: jax.Array) -> jax.Array:
        tables = self.tables[...]
        width, length = tables.shape[0], ids.shape[1]
        left = (width - 1) // 2  # where 'SAME' puts the kernel's centre
        pads = ((0, 0), (left, width - 1 - left))
        ids, mask = jnp.pad(ids, pads), jnp.pad(mask, pads)
        out = self.bias[...]
        for j in range(width):
            rows = tables[j][ids[:, j : j + length]]
            if self.scales is not None:
                rows = rows.astype(jnp.float32) * self.scales[...][j]
            out = out + jnp.where(mask[:, j : j + length, None], rows, 0.0)
        return out

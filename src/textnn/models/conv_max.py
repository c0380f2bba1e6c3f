"""Convolution, ReLU and max over time in one op, with a sparse backward pass.

The forward pass is the usual dense 'SAME' convolution. The backward pass uses the fact that a
max over time passes gradient to one position per (example, channel): the weight gradient is a
sum over B x C windows of `width` input vectors, and the input gradient adds `width` kernel
columns at each of those windows. Autodiff of the dense op instead convolves a [B, T, C]
gradient that is zero almost everywhere, twice (for the kernel and for the input), which costs
twice the forward pass; here the backward pass costs a small fraction of it (for d2l's TextCNN
on IMDb, one training step takes about half the time: docs/benchmarks.md).

Where several positions tie for the max, the gradient goes to the first of them (as PyTorch's
max does); autodiff of `jnp.max` would split it between them. Both are valid subgradients.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp


def conv_same(x: jax.Array, kernel: jax.Array) -> jax.Array:
    """x <float32>[B, T, D], kernel <float32>[W, D, C] -> <float32>[B, T, C], 'SAME' padding
    (left (W - 1) // 2 zeros, the rest on the right), as `nnx.Conv(padding='SAME')`."""
    return jax.lax.conv_general_dilated(
        x, kernel, (1,), "SAME", dimension_numbers=("NWC", "WIO", "NWC")
    )


@jax.custom_vjp
def conv_relu_max(
    parts: tuple[jax.Array, ...], kernel: jax.Array, bias: jax.Array, mask: jax.Array
) -> jax.Array:
    """max over real t of relu(conv_same(x, kernel) + bias)[b, t, c] -> <float32>[B, C] (0 for a
    row with no real position), where x <float32>[B, T, D] is `parts` concatenated on the
    feature axis and mask <bool>[B, T] marks real positions. Padding positions of x must hold
    zeros (as 'SAME' padding would), so the result does not depend on how much padding follows.

    x comes in parts so that a part without a gradient (a frozen embedding) costs nothing in
    the backward pass: its input gradient is separate, unused, and dropped by XLA.
    """
    return _forward(parts, kernel, bias, mask)[0]


def _forward(parts, kernel, bias, mask):
    x = parts[0] if len(parts) == 1 else jnp.concatenate(parts, axis=-1)
    z = jnp.where(mask[..., None], conv_same(x, kernel) + bias, -jnp.inf)  # [B, T, C]
    top = jnp.max(z, axis=1)  # [B, C]
    length = z.shape[1]
    # the first position reaching the max (a min-reduce vectorises better than argmax)
    first = jnp.min(jnp.where(z == top[:, None], jnp.arange(length)[None, :, None], length), axis=1)
    pooled = jnp.where(jnp.any(mask, axis=1)[:, None], jax.nn.relu(top), 0.0)
    # gradient flows where the pooled value is positive: ReLU's slope is 0 below, and empty
    # rows are constant
    return pooled, (parts, kernel, first, pooled > 0)


def _backward(saved, d_pooled):
    parts, kernel, first, live = saved
    width = kernel.shape[0]
    batch, length = parts[0].shape[:2]
    left = (width - 1) // 2
    g = jnp.where(live, d_pooled, 0.0)  # [B, C]
    # window j of (b, c) starts at `first` in coordinates padded by `left` zeros
    positions = first[:, :, None] + jnp.arange(width)  # [B, C, W]
    rows = jnp.broadcast_to(jnp.arange(batch)[:, None, None], positions.shape)
    pads = ((0, 0), (left, width - 1 - left), (0, 0))
    d_parts, d_kernel, start = [], [], 0
    for x in parts:
        end = start + x.shape[-1]
        windows = jnp.pad(x, pads)[rows, positions]  # [B, C, W, D_part]
        d_kernel.append(jnp.einsum("bcwd,bc->wdc", windows, g))
        updates = jnp.einsum("wdc,bc->bcwd", kernel[:, start:end], g)
        d_padded = jnp.zeros((batch, length + width - 1, x.shape[-1]), x.dtype)
        d_padded = d_padded.at[rows, positions].add(updates)
        d_parts.append(d_padded[:, left : left + length])
        start = end
    d_kernel = d_kernel[0] if len(d_kernel) == 1 else jnp.concatenate(d_kernel, axis=1)
    return tuple(d_parts), d_kernel, jnp.sum(g, axis=0), None


conv_relu_max.defvjp(_forward, _backward)

"""Convolution, ReLU and max over time in one op, with a sparse backward pass.

The forward pass is the usual dense 'SAME' convolution. The backward pass uses the fact that a
max over time passes gradient to one position per (example, channel): the weight gradient is a
sum over B x C windows of `width` input vectors, and the input gradient adds `width` kernel
columns at each of those windows. Autodiff of the dense op instead convolves a [B, T, C]
gradient that is zero almost everywhere, twice (for the kernel and for the input), which costs
twice the forward pass; here the backward pass costs a small fraction of it (d2l's TextCNN on
IMDb against PyTorch's autograd: docs/benchmarks.md, speed section).

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
    parts: tuple[jax.Array, ...],
    kernels: tuple[jax.Array, ...],
    biases: tuple[jax.Array, ...],
    mask: jax.Array,
) -> jax.Array:
    """For each kernel <float32>[W, D, C] (widths may differ) and its bias <float32>[C]: max
    over real t of relu(conv_same(x, kernel) + bias)[b, t, c], concatenated over the kernels
    -> <float32>[B, sum of C] (0 for a row with no real position). x <float32>[B, T, D] is
    `parts` concatenated on the feature axis; mask <bool>[B, T] marks real positions. Padding
    positions of x must hold zeros (as 'SAME' padding would), so the result does not depend on
    how much padding follows.

    x comes in parts so that a part without a gradient (a frozen embedding) costs nothing in
    the backward pass: its input gradient is separate, unused, and dropped by XLA. All kernels
    go through one op so that their input gradients add up in one buffer.
    """
    return _forward(parts, kernels, biases, mask)[0]


def _forward(parts, kernels, biases, mask):
    x = parts[0] if len(parts) == 1 else jnp.concatenate(parts, axis=-1)
    length = x.shape[1]
    steps = jnp.arange(length)[None, :, None]
    nonempty = jnp.any(mask, axis=1)[:, None]
    pooled, firsts = [], []
    for kernel, bias in zip(kernels, biases, strict=True):
        z = jnp.where(mask[..., None], conv_same(x, kernel) + bias, -jnp.inf)  # [B, T, C]
        top = jnp.max(z, axis=1)  # [B, C]
        # the first position reaching the max (ties: the earliest, as PyTorch picks)
        firsts.append(jnp.min(jnp.where(z == top[:, None], steps, length), axis=1))
        pooled.append(jnp.where(nonempty, jax.nn.relu(top), 0.0))
    pooled = jnp.concatenate(pooled, axis=-1)
    # gradient flows where the pooled value is positive: ReLU's slope is 0 below, and empty
    # rows are constant
    return pooled, (parts, kernels, tuple(firsts), pooled > 0)


def _windows(framed: jax.Array, starts: jax.Array, width: int) -> jax.Array:
    """framed <float32>[B, T', D], starts <int32>[B, C] -> <float32>[B, C, width, D]: the
    `width` rows from starts[b, c] of framed[b] (whole contiguous windows: a gather of rows
    instead would cost about 3x here)."""

    def window(x, start):
        return jax.lax.dynamic_slice(x, (start, 0), (width, x.shape[1]))

    return jax.vmap(jax.vmap(window, (None, 0)))(framed, starts)


def _add_windows(framed: jax.Array, starts: jax.Array, updates: jax.Array) -> jax.Array:
    """framed <float32>[B, T', D] with updates <float32>[B, C, W, D] added at the windows of
    `_windows(framed, starts, W)` (overlapping windows add up)."""
    batch, channels, width, features = updates.shape
    rows = jnp.broadcast_to(jnp.arange(batch)[:, None], starts.shape)
    numbers = jax.lax.ScatterDimensionNumbers(
        update_window_dims=(1, 2), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0, 1)
    )
    return jax.lax.scatter_add(
        framed,
        jnp.stack([rows, starts], axis=-1).reshape(-1, 2),
        updates.reshape(batch * channels, width, features),
        numbers,
        mode=jax.lax.GatherScatterMode.PROMISE_IN_BOUNDS,  # windows lie inside the frame
    )


def _backward(saved, d_pooled):
    parts, kernels, firsts, live = saved
    length = parts[0].shape[1]
    # one frame of zero padding wide enough for every kernel
    lefts = [(k.shape[0] - 1) // 2 for k in kernels]
    left = max(lefts)
    right = max(k.shape[0] - 1 - lf for k, lf in zip(kernels, lefts, strict=True))
    g = jnp.where(live, d_pooled, 0.0)  # [B, sum C]
    starts, grads, offset = [], [], 0
    for kernel, first, lf in zip(kernels, firsts, lefts, strict=True):
        grads.append(g[:, offset : offset + kernel.shape[2]])
        offset += kernel.shape[2]
        # the window of (b, c) reads x from first - lf on, in the frame: + left
        starts.append(first + (left - lf))  # [B, C]
    d_parts, d_kernels, feature = [], [[] for _ in kernels], 0
    for x in parts:
        width = x.shape[-1]
        framed = jnp.pad(x, ((0, 0), (left, right), (0, 0)))
        d_framed = jnp.zeros_like(framed)
        for i, (kernel, start, gk) in enumerate(zip(kernels, starts, grads, strict=True)):
            windows = _windows(framed, start, kernel.shape[0])  # [B, C, W, D_part]
            d_kernels[i].append(jnp.einsum("bcwd,bc->wdc", windows, gk))
            k = kernel[:, feature : feature + width]
            d_framed = _add_windows(d_framed, start, jnp.einsum("wdc,bc->bcwd", k, gk))
        d_parts.append(d_framed[:, left : left + length])
        feature += width
    d_kernels = tuple(d[0] if len(d) == 1 else jnp.concatenate(d, axis=1) for d in d_kernels)
    d_biases = tuple(jnp.sum(gk, axis=0) for gk in grads)
    return tuple(d_parts), d_kernels, d_biases, None


conv_relu_max.defvjp(_forward, _backward)

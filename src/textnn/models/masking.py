"""Masks and pooling over padded sequences: which positions are real, masked max/mean, picking
positions, fixed lengths and windowed max pooling.

Shapes: B batch, T padded length, C channels. Sequences are post-padded: position t of row b is
real iff t < lengths[b].
"""

from __future__ import annotations

import jax
import jax.numpy as jnp


def sequence_mask(lengths: jax.Array, length: int) -> jax.Array:
    """<bool>[B, T]: True at real positions."""
    return jnp.arange(length)[None, :] < lengths[:, None]


def masked_max(x: jax.Array, mask: jax.Array, time_axis: int = 1) -> jax.Array:
    """Max over time of <float>[B, T, C] at real positions only -> [B, C] (0 for empty rows).
    With time_axis=0, x is time-major <float>[T, B, C] and mask <bool>[T, B]."""
    pooled = jnp.max(jnp.where(mask[..., None], x, -jnp.inf), axis=time_axis)
    return jnp.where(jnp.any(mask, axis=time_axis)[:, None], pooled, 0.0)


def masked_mean(x: jax.Array, mask: jax.Array, time_axis: int = 1) -> jax.Array:
    """Mean over time of <float>[B, T, C] at real positions -> [B, C] (0 for empty rows).
    With time_axis=0, x is time-major <float>[T, B, C] and mask <bool>[T, B]."""
    total = jnp.sum(jnp.where(mask[..., None], x, 0.0), axis=time_axis)
    count = jnp.maximum(jnp.sum(mask, axis=time_axis), 1)[:, None]
    return total / count


def at_positions(x: jax.Array, positions: jax.Array, time_axis: int = 1) -> jax.Array:
    """Row b of <float>[B, T, C] at time positions[b] -> [B, C]. With time_axis=0, x is
    time-major <float>[T, B, C]."""
    index = positions[:, None, None] if time_axis == 1 else positions[None, :, None]
    return jnp.take_along_axis(x, index, axis=time_axis).squeeze(time_axis)


def last_positions(lengths: jax.Array) -> jax.Array:
    """<int32>[B]: each row's last real position (0 for empty rows)."""
    return jnp.maximum(lengths - 1, 0)


def fit_length(ids: jax.Array, length: int) -> jax.Array:
    """Pad with 0 or truncate <int32>[B, T] to [B, length] (for models of a fixed length)."""
    t = ids.shape[1]
    if t >= length:
        return ids[:, :length]
    return jnp.pad(ids, ((0, 0), (0, length - t)))


def masked_max_pool(x: jax.Array, mask: jax.Array, window: int) -> tuple[jax.Array, jax.Array]:
    """Max-pool <float>[B, T, C] over non-overlapping windows of real positions.

    Returns the pooled [B, ceil(T / window), C] (zeros where a window holds no real position)
    and its mask. A partial window at a sequence's end pools what it has, so extra padding never
    changes the result.
    """
    b, t, c = x.shape
    windows = -(-t // window)
    pad = windows * window - t
    x = jnp.pad(
        jnp.where(mask[..., None], x, -jnp.inf),
        ((0, 0), (0, pad), (0, 0)),
        constant_values=-jnp.inf,
    )
    m = jnp.pad(mask, ((0, 0), (0, pad)))
    pooled = x.reshape(b, windows, window, c).max(axis=2)
    new_mask = m.reshape(b, windows, window).any(axis=2)
    return jnp.where(new_mask[..., None], pooled, 0.0), new_mask

"""conv_relu_max: the same values as convolution, ReLU and masked max composed, and the same
gradients as autodiff of that composition (first position on ties)."""

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx
from hypothesis import given, settings
from hypothesis import strategies as st

from textnn.models.conv_max import conv_relu_max
from textnn.models.convolution import MaskedConv1D
from textnn.models.masking import masked_max, sequence_mask


def reference(parts, kernels, biases, mask):
    """The composition that conv_relu_max replaces, through nnx.Conv and masked_max."""
    x, pooled = jnp.concatenate(parts, axis=-1), []
    for kernel, bias in zip(kernels, biases, strict=True):
        conv = MaskedConv1D(kernel.shape[1], kernel.shape[2], kernel.shape[0], rngs=nnx.Rngs(0))
        conv.conv.kernel[...] = kernel
        conv.conv.bias[...] = bias
        pooled.append(masked_max(jax.nn.relu(conv(x)), mask))
    return jnp.concatenate(pooled, axis=-1)


def inputs(seed, batch, length, part_dims, channels, widths):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(0, length + 1, batch)
    lengths[0] = length  # one full row, so the longest row meets the end of the padding
    mask = sequence_mask(jnp.asarray(lengths), length)
    parts = tuple(
        jnp.asarray(rng.normal(size=(batch, length, d)), jnp.float32) * mask[..., None]
        for d in part_dims
    )
    kernels = tuple(
        jnp.asarray(rng.normal(size=(w, sum(part_dims), channels)), jnp.float32) for w in widths
    )
    biases = tuple(jnp.asarray(rng.normal(size=channels), jnp.float32) for _ in widths)
    return parts, kernels, biases, mask


@settings(max_examples=8, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    batch=st.integers(1, 4),
    length=st.integers(1, 9),
    part_dims=st.lists(st.integers(1, 4), min_size=1, max_size=2),
    channels=st.integers(1, 4),
    widths=st.lists(st.integers(1, 5), min_size=1, max_size=3),
)
def test_values_and_gradients_match_autodiff(seed, batch, length, part_dims, channels, widths):
    parts, kernels, biases, mask = inputs(seed, batch, length, part_dims, channels, widths)
    cotangent = jnp.asarray(
        np.random.default_rng(seed + 1).normal(size=(batch, channels * len(widths)))
    )

    def loss(fn):
        return lambda p, k, b: jnp.sum(fn(p, k, b, mask) * cotangent)

    ours = jax.jit(conv_relu_max)(parts, kernels, biases, mask)
    want = reference(parts, kernels, biases, mask)
    np.testing.assert_allclose(ours, want, rtol=1e-5, atol=1e-5)
    # one compiled function each: op-by-op autodiff compiles every op for every new shape
    got = jax.jit(jax.grad(loss(conv_relu_max), argnums=(0, 1, 2)))(parts, kernels, biases)
    want = jax.jit(jax.grad(loss(reference), argnums=(0, 1, 2)))(parts, kernels, biases)
    for g, w in zip(jax.tree.leaves(got), jax.tree.leaves(want), strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-4)


def test_a_tie_sends_the_gradient_to_the_first_window():
    # the same token at positions 1 and 3: both windows of width 1 give the max
    x = jnp.asarray([[[0.5], [2.0], [1.0], [2.0]]], jnp.float32)
    mask = jnp.ones((1, 4), bool)
    kernel, bias = jnp.ones((1, 1, 1), jnp.float32), jnp.zeros(1, jnp.float32)
    (dx,), (dk,), (db,) = jax.grad(
        lambda p, k, b: conv_relu_max(p, k, b, mask).sum(), argnums=(0, 1, 2)
    )((x,), (kernel,), (bias,))
    assert dx[0, :, 0].tolist() == [0.0, 1.0, 0.0, 0.0]
    assert dk.ravel().tolist() == [2.0] and db.tolist() == [1.0]


def test_rows_with_no_positions_or_negative_maxima_pass_no_gradient():
    parts, kernels, _, _ = inputs(0, 3, 6, [3], 2, [3])
    mask = sequence_mask(jnp.asarray([0, 6, 6]), 6)
    biases = (jnp.asarray([-100.0, 0.0], jnp.float32),)  # channel 0 never positive
    pooled = conv_relu_max(parts, kernels, biases, mask)
    assert pooled[0].tolist() == [0.0, 0.0] and pooled[:, 0].tolist() == [0.0, 0.0, 0.0]
    (dk,), (db,) = jax.grad(lambda k, b: conv_relu_max(parts, k, b, mask).sum(), argnums=(0, 1))(
        kernels, biases
    )
    assert float(jnp.abs(dk[..., 0]).max()) == 0.0 and float(db[0]) == 0.0
    assert float(jnp.abs(dk[..., 1]).max()) > 0.0

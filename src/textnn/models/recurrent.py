"""Recurrence over padded sequences: reversal within each length (for the backward direction),
the LSTM step with a hand-written backward pass, and the Recurrent layer (LSTM or GRU, one or
two directions) as one XLA scan.

Shapes: B batch, T padded length, D input width, H hidden units. Sequences are post-padded:
position t of row b is real iff t < lengths[b].
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from textnn.models.masking import at_positions, last_positions, sequence_mask


@jax.custom_vjp
def reverse_within_length(x: jax.Array, lengths: jax.Array) -> jax.Array:
    """Reverse each sequence's first lengths[b] steps of time-major <float>[T, B, ...]; padding
    stays put.

    The backward direction of a bidirectional RNN must start at each sequence's true end, not at
    the end of the padding. Applying this twice gives back the input, so the gradient is the
    same reversal of the cotangent: a gather, where automatic differentiation of the gather
    would scatter-add.
    """
    t = jnp.arange(x.shape[0])[:, None]
    index = jnp.where(t < lengths[None, :], lengths[None, :] - 1 - t, t)
    return jnp.take_along_axis(x, index.reshape(index.shape + (1,) * (x.ndim - 2)), axis=0)


def _reverse_fwd(x, lengths):
    return reverse_within_length(x, lengths), lengths


def _reverse_bwd(lengths, cotangent):
    return reverse_within_length(cotangent, lengths), None


reverse_within_length.defvjp(_reverse_fwd, _reverse_bwd)


def _lstm_gates(a: jax.Array, hidden: int) -> tuple[jax.Array, ...]:
    """Gate activations i, f, g, o <float32>[..., H] from pre-activations <float32>[..., 4H]."""
    i, f, g, o = (a[..., k * hidden : (k + 1) * hidden] for k in range(4))
    return jax.nn.sigmoid(i), jax.nn.sigmoid(f), jnp.tanh(g), jax.nn.sigmoid(o)


def _projected_ahead(
    x: jax.Array, w_input: jax.Array, bias: jax.Array
) -> tuple[jax.Array, jax.Array]:
    """Every step's input projection of time-major x <float32>[T, B, D], as one large matrix
    product: (step 0's <float32>[B, G], a scan's first carry; the rest <float32>[T, B, G], step
    t's row holding step t+1's projection, zeros last), so that each scan step carries in its
    own projection and hands on the next.

    Why: XLA:CPU fuses a scan step's input slice (a dynamic slice) into the fusion that reads it,
    and such a fusion computes sigmoid and tanh several times slower than one that reads loop
    state. A recurrent step's gates thus read the carry, never the step's slice.
    """
    steps, batch = x.shape[:2]
    projected = (x.reshape(steps * batch, -1) @ w_input + bias).reshape(steps, batch, -1)
    return projected[0], jnp.concatenate([projected[1:], jnp.zeros_like(projected[:1])])


def _lstm_forward(x, w_input, w_hidden, bias):
    """The LSTM over time-major x <float32>[T, B, D] from zero states: hidden states [T, B, H],
    cell states [T, B, H] and gate pre-activations [T, B, 4H].

    Each step activates the pre-activations carried in from the step before and computes the
    next step's (`_projected_ahead` says why).
    """
    hidden = w_hidden.shape[0]
    first, following = _projected_ahead(x, w_input, bias)

    def step(carry, projected_next):
        a, c = carry
        i, f, g, o = _lstm_gates(a, hidden)
        c = f * c + i * g
        h = o * jnp.tanh(c)
        return (projected_next + h @ w_hidden, c), (h, c, a)

    zeros = jnp.zeros((x.shape[1], hidden), x.dtype)
    _, (hs, cs, pre) = jax.lax.scan(step, (first, zeros), following)
    return hs, cs, pre


@jax.custom_vjp
def lstm_sequence(x, w_input, w_hidden, bias):
    """Hidden states <float32>[T, B, H] of an LSTM (gates i, f, g, o) over time-major
    x <float32>[T, B, D], starting from zero states.

    The gradient is written by hand, as cuDNN does: the backward scan carries only what each
    step needs (the hidden and cell gradients and the gate gradients out), and the weight and
    input gradients are then three large matrix products over all steps at once, where automatic
    differentiation of the scan would add a small weight-gradient product into an accumulator at
    every step. Everything that does not depend on the recurrence (the gate activations and
    their derivatives) is computed for all steps at once before the scan, so the scan itself
    does only products and sums. Tested against automatic differentiation of the same recurrence.
    """
    return _lstm_forward(x, w_input, w_hidden, bias)[0]


def _lstm_sequence_fwd(x, w_input, w_hidden, bias):
    hs, cs, pre = _lstm_forward(x, w_input, w_hidden, bias)
    return hs, (x, w_input, w_hidden, hs, cs, pre)


def _lstm_sequence_bwd(saved, d_hs):
    x, w_input, w_hidden, hs, cs, pre = saved
    hidden = w_hidden.shape[0]
    zeros = jnp.zeros_like(hs[0])
    c_prev = jnp.concatenate([zeros[None], cs[:-1]])
    i, f, g, o = _lstm_gates(pre, hidden)
    tanh_c = jnp.tanh(cs)
    # d(pre-activation) = d_cell * (i', f', g' factors) and d_hidden * (o' factor), per step
    to_cell = o * (1.0 - tanh_c * tanh_c)
    to_o = tanh_c * o * (1.0 - o)
    to_i, to_f, to_g = g * i * (1.0 - i), c_prev * f * (1.0 - f), i * (1.0 - g * g)

    def step(carry, inputs):
        dh_next, dc_next = carry
        dh_out, to_cell, to_o, to_i, to_f, to_g, f = inputs
        dh = dh_out + dh_next
        dc = dc_next + dh * to_cell
        da = jnp.concatenate([dc * to_i, dc * to_f, dc * to_g, dh * to_o], axis=-1)
        return (da @ w_hidden.T, dc * f), da

    inputs = (d_hs, to_cell, to_o, to_i, to_f, to_g, f)
    _, d_a = jax.lax.scan(step, (zeros, zeros), inputs, reverse=True)
    h_prev = jnp.concatenate([zeros[None], hs[:-1]])
    # As 2-D products over T*B rows: XLA:CPU ran the same contraction written as an einsum
    # over (t, b) 2.7x slower (two contracting axes miss its fast matrix-product path).
    rows = d_a.reshape(-1, d_a.shape[-1])
    d_w_hidden = h_prev.reshape(-1, hidden).T @ rows
    d_w_input = x.reshape(-1, x.shape[-1]).T @ rows
    return d_a @ w_input.T, d_w_input, d_w_hidden, d_a.sum(axis=(0, 1))


lstm_sequence.defvjp(_lstm_sequence_fwd, _lstm_sequence_bwd)


class Recurrent(nnx.Module):
    """One LSTM or GRU layer, unidirectional or bidirectional, over real positions only.

    Sequences are post-padded, and the backward direction runs over each row reversed within its
    true length (so its padding also trails): real steps never see a padding step, the final
    state is the output at the true last token, and padding outputs are zeroed after the scan.

    Speed, measured on this project's 2-core CPU (benchmarks/bench_models.py and the notes in
    docs/benchmarks.md): both cells project every step's input in one large matrix product
    before the scan (`_projected_ahead`). Stacking both directions into one scan with batched
    products was slower (by 6% for a layer's gradient), and one scan stepping both directions
    with a product each was no faster (the gradient of a 500-step layer, 2026-12-02): XLA:CPU
    runs a loop body's operations one at a time on one core, and independent loops one after
    the other, so the two directions gain nothing from sharing a step. Two host devices
    (`--xla_force_host_platform_device_count=2`) do run two loops at once: a bare scan per
    direction took 0.29-0.31 s on two devices against 0.53 s on one. But a whole 2-layer BiLSTM
    gradient at 500 tokens with each direction on its own device (`shard_map`, outputs gathered
    between layers) was only 7% faster (0.78-0.80 against 0.84-0.86 s, 2026-12-02), too little
    for making every run hold two devices; splitting the batch over the two devices instead
    (32 rows each) was slower than one device: a 500-step layer's gradient at batch 64 took
    385-402 ms against 275-299 (2026-12-02). XLA's CPU library flags gave nothing either: YNNPACK
    already runs the products (turning it off cost 25%), and XNNPACK, oneDNN or YNNPACK's
    element-wise fusions were no faster; nor, for the whole BiLSTM training step, were
    `--xla_cpu_prefer_vector_width=512`, `--xla_cpu_enable_fast_math=true`,
    `--xla_cpu_use_thunk_runtime=false`, `--xla_cpu_multi_thread_eigen=false` or the
    concurrency-optimised scheduler: each fell within the defaults' spread in alternating runs
    (`--xla_cpu_multi_thread_eigen=false` 48.6-61.8 ex/s in four, the defaults 49.7-59.3 in the
    same four; PyTorch 63-75, 2026-12-02); and unrolling the scan (2, 4 or 8 steps per
    iteration) was slower: a 500-step layer's gradient took 242-321 ms against 202-212. Masking
    the carry at every step (instead of reading the final state off the outputs) cost 15% of a
    gradient step. XLA flushes denormals to zero, so there is no denormal slowdown either.

    Initialisation and gate layout follow PyTorch's nn.LSTM / nn.GRU (uniform in
    +-1/sqrt(hidden); gates i, f, g, o and r, z, n).
    """

    def __init__(
        self, in_features: int, hidden: int, cell: str, bidirectional: bool, *, rngs: nnx.Rngs
    ):
        if cell not in ("lstm", "gru"):
            raise ValueError(f"cell must be 'lstm' or 'gru', got {cell!r}")
        self.cell, self.hidden = cell, hidden
        self.directions = 2 if bidirectional else 1
        gates = (4 if cell == "lstm" else 3) * hidden
        bound = 1.0 / np.sqrt(hidden)
        init = nnx.initializers.uniform(2 * bound)

        def uniform(shape):
            return init(rngs.params(), shape) - bound

        d = self.directions
        self.w_input = nnx.Param(uniform((d, in_features, gates)))
        self.w_hidden = nnx.Param(uniform((d, hidden, gates)))
        self.b_input = nnx.Param(uniform((d, gates)))
        self.b_hidden = nnx.Param(uniform((d, gates)))

    def __call__(self, x: jax.Array, lengths: jax.Array) -> tuple[jax.Array, jax.Array]:
        """Time-major x <float32>[T, B, D] -> (outputs <float32>[T, B, directions * H], final
        hidden states <float32>[directions, B, H]). Outputs at padding positions are zero; the
        backward half of the outputs is aligned with the input positions.

        Time-major because each step of the scan reads one time slice: batch-major inputs
        would cost a transpose in and out of every direction, and again in the gradient."""
        mask = sequence_mask(lengths, x.shape[0]).T[..., None]
        last = last_positions(lengths)
        outputs, finals = [], []
        for z in range(self.directions):
            inputs = x if z == 0 else reverse_within_length(x, lengths)
            out = self._scan(z, inputs) * mask
            finals.append(at_positions(out, last, time_axis=0))  # true last step (0 if empty)
            outputs.append(out if z == 0 else reverse_within_length(out, lengths))
        return jnp.concatenate(outputs, axis=-1), jnp.stack(finals)

    def _scan(self, z: int, steps: jax.Array) -> jax.Array:
        """Direction z over time-major steps <float32>[T, B, D] (already reversed for z = 1)
        -> hidden states <float32>[T, B, H] (meaningless at padding positions)."""
        w_input, w_hidden = self.w_input[z], self.w_hidden[z]
        b_input, b_hidden = self.b_input[z], self.b_hidden[z]
        h0 = jnp.zeros((steps.shape[1], self.hidden), steps.dtype)

        if self.cell == "lstm":
            outputs = lstm_sequence(steps, w_input, w_hidden, b_input + b_hidden)
        else:
            first, following = _projected_ahead(steps, w_input, b_input)

            def step(carry, projected_next):
                h, x_t = carry
                xr, xz, xn = jnp.split(x_t, 3, axis=-1)
                hr, hz, hn = jnp.split(h @ w_hidden + b_hidden, 3, axis=-1)
                r = jax.nn.sigmoid(xr + hr)
                u = jax.nn.sigmoid(xz + hz)
                n = jnp.tanh(xn + r * hn)
                h = (1.0 - u) * n + u * h
                return (h, projected_next), h

            _, outputs = jax.lax.scan(step, (h0, first), following)
        return outputs

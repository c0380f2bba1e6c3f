"""The model zoo: conv semantics, padding invariance, recurrent directions, frozen embeddings,
shapes, jit and determinism."""

import json

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from flax import nnx

from textnn.errors import NotFoundError
from textnn.models import MODELS, build_model, model_config, parameter_count, summary
from textnn.models.convolution import MaskedConv1D
from textnn.models.fasttext import BIGRAM_HASH, ngram_ids
from textnn.models.recurrent import Recurrent, reverse_within_length

VOCAB, CLASSES = 60, 3


def make(name, **overrides):
    if MODELS[name].fixed_length:
        overrides.setdefault("max_length", 24)
    if name == "fasttext":
        overrides.setdefault("bigram_buckets", 1024)  # the default table is big for a unit test
    if name == "nbsvm":
        overrides.setdefault("buckets", 1024)
    model = build_model(name, vocab_size=VOCAB, num_classes=CLASSES, **overrides)
    if name == "nbsvm":  # its ratios come from data (zeros until then): give it some
        ratios = np.random.default_rng(0).normal(size=model.ratios[...].shape)
        model.ratios.set_value(jnp.asarray(ratios, jnp.float32))
    return model


def batch(lengths, length=None, seed=0):
    length = length or max(lengths)
    rng = np.random.default_rng(seed)
    ids = rng.integers(2, VOCAB, (len(lengths), length))
    ids[np.arange(length)[None, :] >= np.array(lengths)[:, None]] = 0
    return jnp.asarray(ids, jnp.int32), jnp.asarray(lengths, jnp.int32)


def set_conv(conv: MaskedConv1D, kernel, bias=0.0):
    """Our kernels are laid out [width, in, out]; the textbook's K is [in][width]."""
    k = np.asarray(kernel, np.float32).T[:, :, None]
    conv.conv.kernel[...] = jnp.asarray(k)
    conv.conv.bias[...] = jnp.full((1,), bias, jnp.float32)


def test_conv_matches_the_textbook_one_channel():
    conv = MaskedConv1D(1, 1, 2, rngs=nnx.Rngs(0))
    set_conv(conv, [[1, 2]])
    x = jnp.arange(7, dtype=jnp.float32)[None, :, None]
    assert conv(x)[0, :6, 0].tolist() == [2, 5, 8, 11, 14, 17]


def test_conv_matches_the_textbook_three_channels():
    conv = MaskedConv1D(3, 1, 2, rngs=nnx.Rngs(0))
    set_conv(conv, [[1, 2], [3, 4], [-1, -3]])
    x = jnp.stack([jnp.arange(7), jnp.arange(1, 8), jnp.arange(2, 9)], axis=-1)[None]
    assert conv(x.astype(jnp.float32))[0, :6, 0].tolist() == [2, 8, 14, 20, 26, 32]


PADDING_INVARIANT = [n for n, s in MODELS.items() if not s.fixed_length]


@pytest.mark.parametrize("name", PADDING_INVARIANT)
def test_logits_do_not_change_with_more_padding(name):
    model = make(name)
    model.eval()
    forward = nnx.jit(lambda m, i, n: m(i, n))
    ids, lengths = batch([7, 1, 4, 13, 2], seed=1)
    base = forward(model, ids, lengths)
    for extra in (1, 19):
        padded = jnp.pad(ids, ((0, 0), (0, extra)))
        np.testing.assert_allclose(forward(model, padded, lengths), base, atol=2e-5, rtol=1e-5)
    # A row alone, unpadded, gives its row of the batch.
    for i in (0, 2):
        n = int(lengths[i])
        alone = forward(model, ids[i : i + 1, :n], lengths[i : i + 1])
        np.testing.assert_allclose(alone[0], base[i], atol=2e-5, rtol=1e-5)


def test_padding_never_wins_the_max():
    model = make("textcnn", widths=(2,))
    model.eval()
    # Real positions give ReLU(negative) = 0; a padding position would give ReLU(bias) = 5.
    conv = model.convs[0]
    conv.conv.kernel[...] = -jnp.abs(conv.conv.kernel[...]) - 10.0
    model.embed.table[...] = jnp.abs(model.embed.table[...]) + 1.0
    conv.conv.bias[...] = jnp.full_like(conv.conv.bias[...], 5.0)
    model.out.kernel[...] = jnp.ones_like(model.out.kernel[...])
    model.out.bias[...] = jnp.zeros_like(model.out.bias[...])
    ids, lengths = batch([3], length=10)
    assert jnp.allclose(model(ids, lengths), 0.0)


def _sigmoid(v):
    return 1 / (1 + np.exp(-v))


def lstm_reference(x, w_in, w_h, b_in, b_h, length):
    """Plain numpy LSTM over x[:length] (gates i, f, g, o)."""
    hidden = w_h.shape[0]
    h, c, outs = np.zeros(hidden), np.zeros(hidden), []
    for t in range(length):
        i, f, g, o = np.split(x[t] @ w_in + b_in + h @ w_h + b_h, 4)
        c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
        h = _sigmoid(o) * np.tanh(c)
        outs.append(h)
    return np.array(outs), h


def gru_reference(x, w_in, w_h, b_in, b_h, length):
    """Plain numpy GRU over x[:length], as PyTorch's nn.GRU (gates r, z, n)."""
    h, outs = np.zeros(w_h.shape[0]), []
    for t in range(length):
        xr, xz, xn = np.split(x[t] @ w_in + b_in, 3)
        hr, hz, hn = np.split(h @ w_h + b_h, 3)
        r, z = _sigmoid(xr + hr), _sigmoid(xz + hz)
        h = (1 - z) * np.tanh(xn + r * hn) + z * h
        outs.append(h)
    return np.array(outs), h


@pytest.mark.parametrize("cell, reference", [("lstm", lstm_reference), ("gru", gru_reference)])
def test_bidirectional_recurrent_layer_matches_a_plain_reference(cell, reference):
    layer = Recurrent(4, 3, cell, bidirectional=True, rngs=nnx.Rngs(0))
    x = np.random.default_rng(0).normal(size=(2, 6, 4)).astype(np.float32)
    lengths = np.array([6, 4])
    outputs, final = layer(jnp.asarray(x.swapaxes(0, 1)), jnp.asarray(lengths))  # time-major
    outputs = np.asarray(outputs).swapaxes(0, 1)
    w_in, w_h = np.asarray(layer.w_input[...]), np.asarray(layer.w_hidden[...])
    b_in, b_h = np.asarray(layer.b_input[...]), np.asarray(layer.b_hidden[...])
    for row, n in enumerate(lengths):
        fwd, fwd_last = reference(x[row], w_in[0], w_h[0], b_in[0], b_h[0], n)
        bwd, bwd_last = reference(x[row, :n][::-1], w_in[1], w_h[1], b_in[1], b_h[1], n)
        np.testing.assert_allclose(outputs[row, :n, :3], fwd, atol=1e-5)
        # The backward direction starts at the true end and is re-aligned with the input.
        np.testing.assert_allclose(outputs[row, :n, 3:], bwd[::-1], atol=1e-5)
        assert not np.asarray(outputs[row, n:]).any()
        np.testing.assert_allclose(final[0, row], fwd_last, atol=1e-5)
        np.testing.assert_allclose(final[1, row], bwd_last, atol=1e-5)


def test_reverse_within_length_is_an_involution():
    x = jnp.arange(12.0).reshape(2, 6).T  # time-major: [T=6, B=2]
    lengths = jnp.array([4, 6])
    r = reverse_within_length(x, lengths)
    assert r.T.tolist() == [[3, 2, 1, 0, 4, 5], [11, 10, 9, 8, 7, 6]]
    assert (reverse_within_length(r, lengths) == x).all()


def test_reverse_within_length_gradient_is_the_reversed_cotangent():
    """Its hand-written gradient matches automatic differentiation of the same gather."""
    rng = np.random.default_rng(0)
    x = jnp.asarray(rng.normal(size=(7, 3, 2)), jnp.float32)
    weights = jnp.asarray(rng.normal(size=(7, 3, 2)), jnp.float32)
    lengths = jnp.array([7, 4, 0])

    def gathered(x):
        t = jnp.arange(7)[:, None]
        index = jnp.where(t < lengths[None, :], lengths[None, :] - 1 - t, t)
        return jnp.take_along_axis(x, index[..., None], axis=0)

    ours = jax.grad(lambda x: (reverse_within_length(x, lengths) * weights).sum())(x)
    autodiff = jax.grad(lambda x: (gathered(x) * weights).sum())(x)
    np.testing.assert_array_equal(ours, autodiff)


@nnx.jit
def _step(model, optimizer, ids, lengths, labels):
    def loss_fn(m):
        return optax.softmax_cross_entropy_with_integer_labels(m(ids, lengths), labels).mean()

    loss, grads = nnx.value_and_grad(loss_fn)(model)
    optimizer.update(model, grads)
    return loss


def train_step(model, ids, lengths, labels):
    """One Adam step (jit-compiled) on a batch; returns the loss."""
    optimizer = nnx.Optimizer(model, optax.adam(1e-2), wrt=nnx.Param)
    return _step(model, optimizer, ids, lengths, labels)


@pytest.mark.parametrize("mode", ["static", "non-static", "multichannel"])
def test_static_embeddings_are_frozen(mode):
    vectors = np.random.default_rng(0).normal(size=(VOCAB, 8)).astype(np.float32)
    model = build_model("textcnn", embeddings=vectors, num_classes=2, embedding=mode)
    ids, lengths = batch([5, 3])
    train_step(model, ids, lengths, jnp.array([0, 1]))
    used = np.unique(np.asarray(ids[ids > 0]))
    if model.embed.frozen is not None:
        np.testing.assert_array_equal(np.asarray(model.embed.frozen[...]), vectors)
    if model.embed.table is not None:
        assert not np.allclose(np.asarray(model.embed.table[...])[used], vectors[used])
    assert (model.embed.frozen is not None) == (mode != "non-static")
    assert (model.embed.table is not None) == (mode != "static")


def test_embedding_mode_errors():
    with pytest.raises(ValueError, match="needs pretrained"):
        make("textcnn", embedding="static")
    with pytest.raises(ValueError, match="ignore the pretrained"):
        build_model("textcnn", embeddings=np.zeros((5, 4)), embedding="rand")


@pytest.mark.parametrize("name", list(MODELS))
@pytest.mark.parametrize("lengths", [[1], [5, 2, 9]])
def test_shapes_dtypes_jit_and_determinism(name, lengths):
    model = make(name)
    ids, lens = batch(lengths, length=max(lengths) + 2)
    model.eval()
    forward = nnx.jit(lambda m, i, n: m(i, n))
    out = forward(model, ids, lens)
    assert out.shape == (len(lengths), CLASSES) and out.dtype == jnp.float32
    assert jnp.isfinite(out).all()
    np.testing.assert_array_equal(forward(model, ids, lens), out)
    np.testing.assert_allclose(model(ids, lens), out, atol=1e-5)


@pytest.mark.parametrize("name", ["mlp", "textcnn", "cnn-deep"])
def test_dropout_only_in_training_mode(name):
    model = make(name)
    ids, lengths = batch([6, 3, 8])
    model.train()
    assert not np.allclose(model(ids, lengths), model(ids, lengths))
    model.eval()
    np.testing.assert_array_equal(model(ids, lengths), model(ids, lengths))


def test_empty_rows_give_finite_logits_and_gradients():
    for name in PADDING_INVARIANT:
        model = make(name)
        ids, lengths = batch([0, 3], length=4)
        assert jnp.isfinite(train_step(model, ids, lengths, jnp.array([0, 1])))


def test_fasttext_bigram_hash_matches_fasttext_arithmetic():
    ids = jnp.array([[5, 2**20, 7]], jnp.int32)
    got = ngram_ids(ids, 2, 1000).tolist()[0]
    expected = [((a * BIGRAM_HASH + b) & 0xFFFFFFFF) % 1000 for a, b in [(5, 2**20), (2**20, 7)]]
    assert got == expected


def test_fasttext_trigram_hash_chains_the_bigram_hash():
    ids = jnp.array([[5, 2**20, 7, 9]], jnp.int32)
    got = ngram_ids(ids, 3, 1000).tolist()[0]
    m = 2**32
    expected = [
        (((a * BIGRAM_HASH + b) % m * BIGRAM_HASH + c) % m) % 1000
        for a, b, c in [(5, 2**20, 7), (2**20, 7, 9)]
    ]
    assert got == expected


def test_fasttext_trigrams_change_the_logits_but_not_padding_invariance():
    ids, lengths = batch([2, 6, 3])
    two = make("fasttext", word_ngrams=2)
    three = make("fasttext", word_ngrams=3)
    assert not np.allclose(two(ids, lengths), three(ids, lengths))
    padded = jnp.pad(ids, ((0, 0), (0, 5)))
    np.testing.assert_allclose(three(padded, lengths), three(ids, lengths), atol=1e-6)
    with pytest.raises(ValueError, match="word_ngrams"):
        make("fasttext", word_ngrams=0)


def test_config_round_trip_and_unknown_names():
    config = model_config("bilstm", vocab_size=10)
    assert config.layers == 2 and config.head == "first-last"
    again = type(config).from_dict(json.loads(json.dumps(config.to_dict())))
    assert again == config
    with pytest.raises(ValueError, match="no field"):
        model_config("textcnn", kernels=3)
    with pytest.raises(NotFoundError, match="did you mean 'bilstm'"):
        build_model("bilstmm", vocab_size=10)
    with pytest.raises(ValueError, match="combines two directions"):
        model_config("lstm", head="sum")


def test_summary_and_parameter_count():
    model = build_model(
        "textcnn",
        embeddings=np.zeros((VOCAB, 10), np.float32),
        embedding="multichannel",
        num_classes=2,
    )
    text = summary(model)
    expected = VOCAB * 10 * 2 + sum(w * 20 * 100 + 100 for w in (3, 4, 5)) + 300 * 2 + 2
    assert parameter_count(model) == expected
    assert parameter_count(model, trainable_only=True) == expected - VOCAB * 10
    assert "embed.frozen" in text and "frozen" in text and f"{expected:,}" in text


def test_bucketed_batches_feed_every_model():
    from textnn.text import BucketedBatches, Ragged

    ragged = Ragged.from_lists([[3] * n for n in (1, 4, 9, 2, 30)])
    forward = nnx.jit(lambda m, i, n: m(i, n))
    models = [make(name) for name in ("textcnn", "bilstm", "fasttext")]
    for b in BucketedBatches(ragged, np.zeros(5, np.int32), batch_size=4, max_length=24):
        for model in models:
            model.eval()
            out = forward(model, jnp.asarray(b.ids), jnp.asarray(b.lengths))
            assert out.shape == (4, CLASSES) and jnp.isfinite(out).all()


def test_lstm_hand_written_gradient_matches_automatic_differentiation():
    import jax
    import jax.numpy as jnp

    from textnn.models.recurrent import _lstm_forward, lstm_sequence

    rng = np.random.default_rng(0)
    t, b, d, h = 23, 3, 5, 4
    shapes = (((t, b, d), 1.0), ((d, 4 * h), 0.4), ((h, 4 * h), 0.4), ((4 * h,), 0.1))
    args = [jnp.asarray(rng.normal(size=s) * scale, jnp.float32) for s, scale in shapes]
    weights = jnp.asarray(rng.normal(size=(t, b, h)), jnp.float32)

    def loss(fn):
        return lambda *a: (fn(*a) * weights).sum()

    hand = jax.grad(loss(lstm_sequence), argnums=(0, 1, 2, 3))(*args)
    auto = jax.grad(loss(lambda *a: _lstm_forward(*a)[0]), argnums=(0, 1, 2, 3))(*args)
    for name, got, want in zip(("x", "w_input", "w_hidden", "bias"), hand, auto, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5, err_msg=name)
    np.testing.assert_array_equal(lstm_sequence(*args), _lstm_forward(*args)[0])

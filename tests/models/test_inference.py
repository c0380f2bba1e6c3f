"""Folded models for prediction: TabledConv equals the convolution it replaces, a folded model
predicts what its model predicts, and a Predictor never predicts with a stale fold."""

import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx
from hypothesis import given, settings
from hypothesis import strategies as st

from textnn.config import TextConfig
from textnn.models import build_model
from textnn.models.convolution import MaskedConv1D
from textnn.models.inference import for_inference, predict_step
from textnn.models.masking import sequence_mask
from textnn.runs.predictor import Predictor

VOCAB, DIM = 40, 6


def vectors(seed=0):
    return np.random.default_rng(seed).normal(size=(VOCAB, DIM)).astype(np.float32)


def batch(lengths, length, seed=0):
    rng = np.random.default_rng(seed)
    ids = rng.integers(1, VOCAB, (len(lengths), length)).astype(np.int32)
    return jnp.asarray(ids), jnp.asarray(lengths, jnp.int32)


@settings(max_examples=25, deadline=None)
@given(
    width=st.integers(1, 6),
    lengths=st.lists(st.integers(0, 9), min_size=1, max_size=4),
    extra=st.integers(0, 3),
    seed=st.integers(0, 100),
)
def test_tabled_conv_equals_the_convolution_at_real_positions(width, lengths, extra, seed):
    table = jnp.asarray(vectors(seed))
    conv = MaskedConv1D(DIM, 5, width, rngs=nnx.Rngs(seed))
    conv.conv.bias[...] = jnp.asarray(np.random.default_rng(seed).normal(size=5), jnp.float32)
    ids, lens = batch(lengths, max(lengths) + extra, seed)
    mask = sequence_mask(lens, ids.shape[1])
    expected = conv(table[ids] * mask[..., None])
    got = conv.tabled(table)(ids, mask)
    real = np.asarray(mask)
    np.testing.assert_allclose(np.asarray(got)[real], np.asarray(expected)[real], atol=1e-5)


@pytest.mark.parametrize(
    "name, options",
    [
        ("textcnn", {"embedding": "non-static"}),
        ("textcnn", {"embedding": "static"}),
        ("textcnn", {"embedding": "multichannel", "widths": (2, 3, 7)}),
        ("conv1d", {"kernel": 4}),
    ],
)
def test_a_folded_model_predicts_what_its_model_predicts(name, options):
    model = build_model(name, embeddings=vectors(), num_classes=3, **options)
    folded = for_inference(model)
    assert folded is not model
    ids, lengths = batch([0, 1, 5, 11], 13)
    np.testing.assert_allclose(
        predict_step(folded, ids, lengths), predict_step(model, ids, lengths), atol=1e-6
    )


@pytest.mark.parametrize("name, options", [("conv1d-stack", {}), ("lstm", {}), ("textcnn", {})])
def test_models_that_cannot_fold_or_would_need_too_much_memory_stay_as_they_are(name, options):
    model = build_model(name, embeddings=vectors(), **options)
    max_bytes = 1000 if name == "textcnn" else 1 << 29  # textcnn's tables: 12 x 40 x 100 floats
    assert for_inference(model, max_bytes) is model


def test_a_predictor_folds_once_and_again_after_any_variable_changes():
    model = build_model("textcnn", embeddings=vectors(), num_classes=2, embedding="multichannel")
    predictor = Predictor(model, None, None, ["a", "b"], TextConfig(), "textcnn")
    ids, lengths = batch([4, 9], 9)
    folded = predictor.inference_model()
    assert predictor.inference_model() is folded
    for variable in (model.convs[0].conv.kernel, model.embed.frozen):  # trained, frozen
        variable[...] = variable[...] * 2.0
        again = predictor.inference_model()
        assert again is not folded
        np.testing.assert_allclose(
            predict_step(again, ids, lengths), predict_step(model, ids, lengths), atol=1e-5
        )
        folded = again

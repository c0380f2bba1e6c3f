"""Quantized tables: how close each method's rows are to the table's, that lookups decode the
same rows as the whole table, and that a quantized model predicts as its full form does."""

import warnings

import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from textnn.models import build_model
from textnn.models.params import named_variables, parameter_bytes, restore_parameters
from textnn.models.quantize import (
    Int8Table,
    PQTable,
    dense,
    kmeans,
    lookup,
    lookup_tables,
    quantize,
    quantize_model,
    restore_quantized,
)

finite = st.floats(-1e3, 1e3, allow_nan=False, width=32)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float32, st.tuples(st.integers(1, 40), st.integers(1, 40)), elements=finite))
@example(np.array([[1e-44, 0.5], [0.0, -2.0]], np.float32))  # column 0: top / 127 is 0
def test_int8_rows_are_within_half_a_step(table):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no division by a scale of 0
        q = Int8Table.of(table)
    scales = np.asarray(q.scales[...])
    # a scale per row for wide tables, per column for narrow ones
    assert scales.shape == ((table.shape[0], 1) if table.shape[1] >= 16 else (1, table.shape[1]))
    error = np.abs(np.asarray(q.dense()) - table)
    assert (error <= scales / 2 + 1e-6 * np.abs(table).max()).all()
    assert np.asarray(q.codes[...]).dtype == np.int8


@pytest.mark.parametrize("method", ["int8", "pq"])
def test_lookup_decodes_the_rows_of_the_whole_table(method):
    table = np.random.default_rng(0).normal(size=(300, 6)).astype(np.float32)
    q = quantize(table, method)
    ids = jnp.array([[0, 5, 299], [7, 7, 1]])
    np.testing.assert_allclose(lookup(q, ids), np.asarray(dense(q))[np.asarray(ids)], atol=1e-6)
    assert q.shape == table.shape


def test_pq_is_exact_when_pieces_take_at_most_256_values():
    rng = np.random.default_rng(1)
    values = rng.normal(size=(200, 2)).astype(np.float32)
    table = np.concatenate([values[rng.integers(0, 200, 5000)] for _ in range(3)], axis=1)
    q = PQTable.of(table)
    np.testing.assert_array_equal(np.asarray(q.dense()), table)
    assert np.asarray(q.codes[...]).shape == (5000, 3)


def test_kmeans_reduces_the_error_below_a_random_codebook():
    rng = np.random.default_rng(2)
    points = rng.normal(size=(20_000, 2)).astype(np.float32)
    centroids, codes = kmeans(points, 64, np.random.default_rng(0))
    learnt = ((points - centroids[codes]) ** 2).sum(axis=1).mean()
    random = points[:64]
    nearest = ((points[:, None] - random[None]) ** 2).sum(-1).min(axis=1).mean()
    assert learnt < 0.8 * nearest


def model_and_ids(name, **options):
    model = build_model(name, vocab_size=500, num_classes=3, **options)
    rng = np.random.default_rng(3)
    ids = jnp.asarray(rng.integers(2, 500, (8, 20)), jnp.int32)
    lengths = jnp.asarray(rng.integers(1, 21, 8), jnp.int32)
    return model, ids, lengths


@pytest.mark.parametrize(
    ("name", "options", "tables"),
    [
        ("textcnn", {"embed_dim": 32, "channels": 8}, ["embed.table"]),
        ("fasttext", {"embed_dim": 32, "bigram_buckets": 1000}, ["embed.table", "bigrams"]),
        ("bilstm", {"embed_dim": 32, "hidden": 8}, ["embed.table"]),
        ("nbsvm", {"buckets": 1000}, ["weights"]),
    ],
)
def test_a_quantized_model_gives_nearly_the_same_logits(name, options, tables):
    model, ids, lengths = model_and_ids(name, **options)
    if name == "nbsvm":  # ratios and weights that vary, as after training
        rng = np.random.default_rng(4)
        model.ratios.set_value(jnp.asarray(rng.normal(size=model.ratios[...].shape), jnp.float32))
        model.weights.set_value(jnp.asarray(rng.normal(size=model.weights[...].shape) * 0.1))
    model.eval()
    full = np.asarray(model(ids, lengths))
    names = quantize_model(model, "int8")
    assert names == tables
    quantized = np.asarray(model(ids, lengths))
    assert np.abs(quantized - full).max() < 0.02 * max(np.abs(full).max(), 1.0)
    # saved and restored into a fresh model, by the names in the run
    arrays = {k: np.asarray(v[...]) for k, v in named_variables(model).items()}
    assert parameter_bytes(model)
    fresh, _, _ = model_and_ids(name, **options)
    restore_quantized(fresh, names, arrays)
    restore_parameters(fresh, arrays)
    fresh.eval()
    np.testing.assert_allclose(np.asarray(fresh(ids, lengths)), quantized, rtol=1e-6, atol=1e-6)
    assert sorted(lookup_tables(fresh)) == sorted(tables)


def test_a_quantized_textcnn_folds_into_int8_tables():
    from textnn.models.inference import for_inference

    model, ids, lengths = model_and_ids("textcnn", embed_dim=32, channels=8)
    quantize_model(model, "int8")
    model.eval()
    unfolded = np.asarray(model(ids, lengths))
    folded = for_inference(model)
    assert folded is not model
    assert all(np.asarray(conv.tables[...]).dtype == np.int8 for conv in folded.convs)
    logits = np.asarray(folded(ids, lengths))
    assert np.abs(logits - unfolded).max() < 0.02 * max(np.abs(unfolded).max(), 1.0)

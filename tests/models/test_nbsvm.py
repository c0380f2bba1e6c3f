"""`nbsvm`: the binary bag of n-grams, the naive Bayes ratios counted from data, and the model
end to end (trained, saved with its ratios, reloaded)."""

import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import config, toy_csv
from textnn.errors import DataError
from textnn.models import build_model
from textnn.models.fasttext import BIGRAM_HASH
from textnn.models.nbsvm import NBSVMConfig, fit_ratios, ngram_set
from textnn.runs.directory import load
from textnn.runs.pipeline import train
from textnn.text.batching import Batch


def reference_ngrams(row: list[int], ngrams: int, vocab: int, buckets: int) -> set[int]:
    """The distinct features of one text, in plain Python: word ids, then each n-gram hashed as
    fastText does (h = h * 116049371 + id, 32-bit) into the rows after the vocabulary."""
    out = set(row)
    for n in range(2, ngrams + 1):
        for t in range(len(row) - n + 1):
            h = row[t]
            for k in range(1, n):
                h = (h * BIGRAM_HASH + row[t + k]) % 2**32
            out.add(vocab + h % buckets)
    return out


@settings(max_examples=20, deadline=None)
@given(
    lengths=st.lists(st.integers(0, 12), min_size=1, max_size=5),
    extra=st.integers(0, 3),
    ngrams=st.integers(1, 3),
    vocab=st.integers(2, 6),  # few words: repeats are common
    seed=st.integers(0, 2**16),
)
def test_ngram_set_is_the_set_of_real_ngrams(lengths, extra, ngrams, vocab, seed):
    length = max(lengths) + extra
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, vocab, (len(lengths), max(length, 1)))
    buckets = 7
    cfg = NBSVMConfig(vocab_size=vocab, ngrams=ngrams, buckets=buckets)
    features, present = ngram_set(jnp.asarray(ids, jnp.int32), jnp.asarray(lengths), cfg)
    features, present = np.asarray(features), np.asarray(present)
    assert set(np.unique(present)) <= {0.0, 1.0}
    assert features.min() >= 0 and features.max() < cfg.num_features
    for i, n in enumerate(lengths):
        chosen = features[i][present[i] == 1]
        assert len(chosen) == len(set(chosen.tolist()))  # each feature once
        assert set(chosen.tolist()) == reference_ngrams(ids[i, :n].tolist(), ngrams, vocab, buckets)


def test_ratios_are_the_smoothed_naive_bayes_log_count_ratios():
    vocab, classes, alpha = 5, 3, 0.5
    model = build_model(
        "nbsvm", vocab_size=vocab, num_classes=classes, ngrams=2, buckets=4, alpha=alpha
    )
    rows = [[2, 3, 3], [2, 4], [3], [4, 4, 2], [1, 2]]
    labels = [0, 1, 2, 1, 0]
    length = 3
    ids = np.zeros((6, length), np.int32)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = r
    lengths = np.array([len(r) for r in rows] + [0], np.int32)  # a filler row: counts nothing
    batches = [
        Batch(ids[:4], lengths[:4], np.array(labels[:4], np.int32), np.arange(4)),
        Batch(ids[4:], lengths[4:], np.array([*labels[4:], 2], np.int32), np.array([4, -1])),
    ]
    line = fit_ratios(model, batches)
    assert "from 5 training texts" in line

    features = vocab + 4
    counts = np.zeros((features, classes))
    for r, y in zip(rows, labels, strict=True):
        for f in reference_ngrams(r, 2, vocab, 4):
            counts[f, y] += 1
    inside = alpha + counts
    outside = alpha + counts.sum(1, keepdims=True) - counts
    expected = np.log(inside / inside.sum(0)) - np.log(outside / outside.sum(0))
    np.testing.assert_allclose(model.ratios[...], expected, rtol=1e-5, atol=1e-6)


def test_config_rules():
    with pytest.raises(ValueError, match="ngrams must be at least 1"):
        NBSVMConfig(vocab_size=5, ngrams=0)
    with pytest.raises(ValueError, match="alpha must be positive"):
        NBSVMConfig(vocab_size=5, alpha=0)
    assert NBSVMConfig(vocab_size=5, ngrams=1, buckets=0).num_features == 5


def test_trains_from_its_ratios_saves_them_and_cannot_be_a_transfer_source(tmp_path):
    data = toy_csv(tmp_path / "toy.csv", n=200)
    lines = []
    cfg = config(
        data,
        model="nbsvm",
        embeddings="glove-6b-50d",  # named, but the model uses none: not loaded
        model_options={"buckets": 512},
        **{"train.epochs": 3, "train.learning_rate": 0.01},
    )
    result = train(cfg, tmp_path / "run", echo=lines.append)
    assert any("naive Bayes ratios from" in line for line in lines)
    assert any("uses no word vectors" in line for line in lines)
    assert result.report["accuracy"] > 0.9
    texts = ["a great film", "an awful plot"]
    loaded = load(tmp_path / "run")
    np.testing.assert_array_equal(loaded.model.ratios[...], result.predictor.model.ratios[...])
    np.testing.assert_array_equal(
        loaded.predict_proba(texts), result.predictor.predict_proba(texts)
    )
    assert loaded.predict(texts) == ["pos", "neg"]
    # It says so before reading any data (this file does not exist).
    again = config(tmp_path / "missing.csv", init=str(tmp_path / "run"))
    with pytest.raises(DataError, match="no separate classification head"):
        train(again, None, echo=lambda _: None)

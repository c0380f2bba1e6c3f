"""autotune's own skip-gram vectors: trained once on the text given, cached by that text, and
drawn by the networks' trials as a third choice beside GloVe and none."""

from __future__ import annotations

import numpy as np
import optuna

from tests.vectors.test_skipgram import two_topics
from textnn.config import RunConfig
from textnn.runs.adaptive import DataProfile
from textnn.text.tokenize import Tokenizer
from textnn.tune.own_vectors import LazyVectors, own_vectors, skipgram_settings
from textnn.tune.space import GLOVE, suggest
from textnn.vectors.pretrained import load_vectors


def test_trained_once_then_found_in_the_cache_by_their_text(isolated_home):
    texts = two_topics(200)
    said: list[str] = []
    path = own_vectors(texts, seed=0, echo=said.append)
    assert path.startswith(str(isolated_home)) and "cached" not in said[-1]
    vectors = load_vectors(path)
    assert {"wave", "dune"} <= set(vectors.words) and vectors.dim == 100
    assert own_vectors(texts, seed=0, echo=said.append) == path and "cached" in said[-1]
    # other text (one text fewer) or another seed: other vectors
    assert own_vectors(texts[1:], seed=0, echo=said.append) != path
    assert own_vectors(texts, seed=1, echo=said.append) != path


def test_small_corpora_get_more_passes():
    assert skipgram_settings(10_000, 0).epochs == 20
    assert skipgram_settings(400_000, 0).epochs == 5
    assert skipgram_settings(200_000, 0).epochs == 10
    assert skipgram_settings(10_000, 3).workers == 1  # one worker: the same vectors again


def _trial_config(family: str, vectors: str, lazy: LazyVectors) -> RunConfig:
    texts = two_topics(50)
    labels = np.arange(50) % 2
    profile = DataProfile.of(texts, labels, Tokenizer("words"))
    params = {
        "model": family,
        "length": "p95",
        f"{family}_vectors": vectors,
        f"{family}_lr": 1e-3,
        f"{family}_dropout": 0.3,
        f"{family}_word_dropout": 0.1,
        f"{family}_channels": 100,
        f"{family}_batch": 32,
        f"{family}_hidden": 64,
    }
    return suggest(optuna.trial.FixedTrial(params), profile, RunConfig(), lazy)


def test_a_trial_that_draws_them_names_their_file_and_the_others_never_train_them(
    isolated_home,
):
    lazy = LazyVectors(two_topics(100), seed=0, echo=lambda _: None)
    glove = _trial_config("textcnn", GLOVE, lazy)
    assert glove.embeddings == GLOVE and glove.text.tokenizer == "glove"
    assert lazy.path is None  # not asked for: not trained
    for family in ("textcnn", "bilstm"):
        own = _trial_config(family, "skipgram", lazy)
        assert own.embeddings == lazy.path and lazy.path.endswith(".vec")
        assert own.text.tokenizer == "words"  # the tokens they were trained on
    none = _trial_config("bilstm", "none", lazy)
    assert none.embeddings is None

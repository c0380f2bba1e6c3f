"""Vectors the user gives autotune (`--embeddings`): the networks' first trials start from
them, the search draws them beside none and its own skip-gram vectors, and each trial reads
them with the tokens they were made with."""

from __future__ import annotations

import json

import numpy as np
import optuna

from tests.vectors.test_skipgram import ONE_THREAD, two_topics
from textnn.config import RunConfig
from textnn.runs.adaptive import DataProfile
from textnn.runs.partner import partner_configs
from textnn.text.tokenize import Tokenizer
from textnn.tune.space import GLOVE, enqueued, first_trials, given_vectors, suggest
from textnn.vectors.made_with import made_with
from textnn.vectors.pretrained import BUILTIN
from textnn.vectors.skipgram import train_and_write, train_skipgram, write_vectors


def _profile() -> DataProfile:
    texts = two_topics(50)
    return DataProfile.of(texts, np.arange(50) % 2, Tokenizer("words"))


def _made_by_textnn_vectors(tmp_path, tokenizer: str = "glove") -> str:
    path = tmp_path / "mine.txt"
    train_and_write(two_topics(100), Tokenizer(tokenizer), ONE_THREAD, path)
    return str(path)


def test_made_with_names_the_tokens_of_builtin_and_recorded_vectors_only(tmp_path):
    assert all(made_with(name) == "glove" for name in BUILTIN)
    assert made_with(_made_by_textnn_vectors(tmp_path, "normalize")) == "normalize"
    plain = tmp_path / "plain.txt"  # a vectors file with no record beside it
    write_vectors(train_skipgram(two_topics(50), Tokenizer("words"), ONE_THREAD), plain)
    assert made_with(str(plain)) is None
    (tmp_path / "bad.txt.json").write_text(json.dumps({"tokenizer": {"name": "morse"}}))
    assert made_with(str(tmp_path / "bad.txt")) is None  # no tokenizer of ours
    (tmp_path / "torn.txt.json").write_text("{")
    assert made_with(str(tmp_path / "torn.txt")) is None
    assert made_with(None) is None and made_with("none") is None


def test_the_networks_first_trials_start_from_the_given_vectors(tmp_path):
    path = _made_by_textnn_vectors(tmp_path)
    base = RunConfig().with_overrides({"embeddings": path, "text.tokenizer": "words"})
    label = given_vectors(base)
    assert label == "mine.txt" and given_vectors(RunConfig()) == GLOVE
    assert given_vectors(RunConfig().with_overrides({"embeddings": "none"})) == "none"
    for clash in ("none", "skipgram"):  # a file named as another choice is still the file
        named = RunConfig().with_overrides({"embeddings": str(tmp_path / clash)})
        assert given_vectors(named) == f"file {clash}"
    first = first_trials(label)
    networks = [p for p in first if p["model"] in ("textcnn", "bilstm")]
    assert [p["vectors"] for p in networks] == [label, label]
    for params in networks:
        config = suggest(optuna.trial.FixedTrial(enqueued(params)), _profile(), base)
        assert config.embeddings == path
        assert config.text.tokenizer == "glove"  # the tokens the file records
    # nbsvm's trials are the same whatever the vectors
    assert [p for p in first if p["model"] == "nbsvm"] == [
        p for p in first_trials() if p["model"] == "nbsvm"
    ]


def test_a_trial_drawing_none_or_a_file_of_unknown_make_gets_the_users_tokens(tmp_path):
    plain = tmp_path / "plain.txt"
    write_vectors(train_skipgram(two_topics(50), Tokenizer("words"), ONE_THREAD), plain)
    base = RunConfig().with_overrides({"embeddings": str(plain), "text.tokenizer": "normalize"})
    params = {"model": "bilstm", "length": "p95", "bilstm_lr": 1e-3, "bilstm_hidden": 64,
              "bilstm_dropout": 0.2}  # fmt: skip
    given = suggest(
        optuna.trial.FixedTrial(params | {"bilstm_vectors": "plain.txt"}), _profile(), base
    )
    assert given.embeddings == str(plain) and given.text.tokenizer == "normalize"
    none = suggest(optuna.trial.FixedTrial(params | {"bilstm_vectors": "none"}), _profile(), base)
    assert none.embeddings is None and none.text.tokenizer == "words"


def test_plain_trains_partners_read_a_textnn_vectors_file_with_its_tokens(tmp_path):
    path = _made_by_textnn_vectors(tmp_path, "normalize")
    profile = DataProfile(1_000, 2, 10, 20, 40, False, (100, 100, 100))
    found = partner_configs(RunConfig().with_overrides({"embeddings": path}), profile, True)
    assert [c.text.tokenizer for c in found] == ["normalize", "normalize"]
    # a tokenizer the user chose is kept
    mine = RunConfig().with_overrides({"embeddings": path, "text.tokenizer": "whitespace"})
    assert {c.text.tokenizer for c in partner_configs(mine, profile, True)} == {"whitespace"}

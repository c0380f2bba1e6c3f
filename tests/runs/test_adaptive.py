"""Settings left at "auto" follow from the training data, and the run says what it chose."""

import numpy as np
import optuna
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import toy_csv
from textnn.config import RunConfig
from textnn.config.run_config import default_weight_decay
from textnn.runs.adaptive import (
    BAG_LIMIT,
    MIN_ROWS,
    DataProfile,
    has_auto,
    resolve_auto,
    table_cap,
)
from textnn.runs.pipeline import train
from textnn.text.tokenize import Tokenizer
from textnn.tune.space import enqueued, first_trials, suggest


def profile_of(lengths, classes=2):
    texts = [" ".join(["w"] * n) for n in lengths]
    labels = np.arange(len(texts)) % classes
    return DataProfile.of(texts, labels, Tokenizer("words"))


def test_profile_measures_lengths_and_classes():
    p = profile_of(list(range(1, 101)), classes=3)
    assert (p.examples, p.classes, p.length_max) == (100, 3, 100)
    assert p.length_p50 == 50 and p.length_p95 == 96
    assert p.max_length() == 96  # a multiple of 16 at or above the 95th percentile
    assert profile_of([3] * 10).max_length() == 16  # never below 16
    assert profile_of([5000] * 10).max_length() == 1000  # long documents are cut


def test_a_bag_of_ngrams_keeps_whole_texts_and_a_network_cuts_the_longest():
    p = profile_of([10] * 95 + [3000] * 5)  # 5% of the texts are long
    lines = []
    bag = resolve_auto(RunConfig(), p, lines.append)
    assert bag.model == "nbsvm" and bag.text.max_length == 3008 == p.whole_length()
    assert "the longest training text has 3,000 tokens" in lines[0]
    network = resolve_auto(RunConfig().with_overrides({"model": "textcnn"}), p, lines.append)
    assert network.text.max_length == p.max_length() < 3000
    given = resolve_auto(RunConfig().with_overrides({"text.max_length": 64}), p, lines.append)
    assert given.text.max_length == 64  # the user's choice stands
    assert profile_of([BAG_LIMIT + 100] * 3).whole_length() == BAG_LIMIT
    # autotune's trials: nbsvm's (its first two and any drawn later) keep whole texts too
    for params in first_trials():
        config = suggest(optuna.trial.FixedTrial(enqueued(params)), p, RunConfig())
        whole = params["model"] == "nbsvm"
        assert (config.text.max_length == 3008) == whole, params["model"]


def test_train_help_states_the_bag_limit():
    # The CLI keeps JAX out of its imports, so its help writes the limit as a number: this ties
    # the two together.
    from click.testing import CliRunner

    from textnn.cli import main

    result = CliRunner().invoke(main, ["train", "--help"], terminal_width=400)
    assert result.exit_code == 0
    assert f"up to {BAG_LIMIT:,} tokens" in " ".join(result.output.split())


def test_more_data_fewer_epochs():
    small, large = profile_of([5] * 500), profile_of([5] * 200_000)
    assert small.epochs() == 20 and large.epochs() == 4


def test_only_auto_settings_change():
    p = profile_of([10] * 300)
    lines = []
    chosen = resolve_auto(RunConfig(), p, lines.append)
    assert chosen.model == "nbsvm" and chosen.embeddings is None
    assert chosen.text.max_length == 16 and chosen.train.epochs == p.epochs()
    assert chosen.train.patience == 2
    assert len(lines) == 1 and "max_length 16" in lines[0] and "nbsvm" in lines[0]
    given = RunConfig().with_overrides(
        {"model": "textcnn", "text.max_length": 40, "train.epochs": 3}
    )
    lines.clear()
    kept = resolve_auto(given, p, lines.append)
    assert (kept.model, kept.text.max_length, kept.train.epochs) == ("textcnn", 40, 3)
    assert kept.embeddings == "glove-6b-50d" and lines == []


def test_plain_train_chooses_and_records_it(tmp_path):
    data = toy_csv(tmp_path / "toy.csv", n=300)
    lines = []
    result = train(
        RunConfig().with_overrides({"data.name": str(data)}), tmp_path / "run", echo=lines.append
    )
    assert any(line.startswith("chosen from the data:") for line in lines)
    saved = RunConfig.load(tmp_path / "run" / "config.json")
    assert saved.model == "nbsvm" and isinstance(saved.text.max_length, int)
    assert saved.train.weight_decay == 1e-3 == result.config.train.weight_decay  # kept on resume
    assert isinstance(saved.train.epochs, int) and result.report["accuracy"] >= 0.9


def test_multilabel_data_gets_a_shared_encoder_and_longer_training():
    texts = [" ".join(["w"] * 12)] * 400
    labels = np.eye(5, dtype=np.float32)[np.arange(400) % 5]
    profile = DataProfile.of(texts, labels, Tokenizer("words"))
    assert profile.multilabel and profile.classes == 5
    lines = []
    chosen = resolve_auto(RunConfig(), profile, lines.append)
    assert chosen.model == "textcnn" and chosen.embeddings == RunConfig().embeddings
    assert chosen.train.epochs == profile.epochs("textcnn") == 30 and chosen.train.patience == 3
    assert "multi-label: 5 labels" in lines[0]
    # a network's bound shrinks with more data, but never under 12 epochs
    assert profile_of([5] * 200_000).epochs("textcnn") == 12


def reference_distinct(texts, n):
    grams = set()
    for text in texts:
        words = text.split()
        grams.update(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    return len(grams)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from("abcdef"), max_size=12).map(" ".join), max_size=30))
def test_distinct_ngrams_are_counted_within_each_text(texts):
    p = DataProfile.of(texts, np.zeros(len(texts), int), Tokenizer("words"))
    assert p.distinct_ngrams == tuple(reference_distinct(texts, n) for n in (2, 3, 4))


def test_an_ngram_table_is_as_big_as_the_data_up_to_a_cap():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(5000)]
    few = [" ".join(rng.choice(words, 12)) for _ in range(300)]
    p = DataProfile.of(few, np.arange(300) % 2, Tokenizer("words"))
    counted = sum(p.distinct_ngrams[:2])
    rows = p.ngram_rows(3, table_cap("nbsvm", 2))
    assert 2 * counted <= rows < 4 * counted  # twice the n-grams, to a power of two
    assert p.ngram_rows(1, 2**22) == MIN_ROWS  # no n-grams of 2 words or more
    assert p.ngram_rows(5, 2**22) == 2**22  # n-grams too long to count: the cap
    # the cap: rows x classes at most MAX_CELLS
    assert table_cap("nbsvm", 2) == 2**22 and table_cap("nbsvm", 20) == 2**18
    lines = []
    chosen = resolve_auto(RunConfig().with_overrides({"model": "nbsvm"}), p, lines.append)
    assert chosen.model_options["buckets"] == rows
    assert f"buckets {rows:,} ({counted:,} distinct" in lines[0]
    given_rows = RunConfig().with_overrides({"model": "nbsvm", "model_options": {"buckets": 64}})
    assert resolve_auto(given_rows, p, lines.append).model_options["buckets"] == 64
    assert has_auto(given_rows.with_overrides({"text.max_length": 40, "train.epochs": 2}))
    every = given_rows.with_overrides(
        {"text.max_length": 40, "train.epochs": 2, "train.learning_rate": 1e-3,
         "train.weight_decay": 0.0, "model_options": {"buckets": 64, "init_weight": 0.01}}
    )  # fmt: skip
    assert not has_auto(every)
    chosen = resolve_auto(RunConfig().with_overrides({"model": "fasttext"}), p, lines.append)
    assert chosen.model_options["bigram_buckets"] == p.ngram_rows(2, table_cap("fasttext", 2))


def test_a_given_nbsvm_on_short_texts_is_scaled_as_the_chosen_one_is():
    short = [f"w{i % 7} w{i % 5}" for i in range(200)]  # 2 tokens a text
    p = DataProfile.of(short, np.arange(200) % 2, Tokenizer("words"))
    scale = p.linear_scale()
    assert scale == 20.0
    lines: list[str] = []
    plain = resolve_auto(RunConfig(), p, lines.append)
    given = resolve_auto(RunConfig().with_overrides({"model": "nbsvm"}), p, lines.append)
    for chosen in (plain, given):
        assert chosen.train.learning_rate == pytest.approx(1e-3 * scale)
        assert chosen.model_options["init_weight"] == pytest.approx(0.01 * scale)
    mine = RunConfig().with_overrides(
        {"model": "nbsvm", "train.learning_rate": 0.005, "model_options": {"init_weight": 0.5}}
    )
    kept = resolve_auto(mine, p, lines.append)
    assert kept.train.learning_rate == 0.005 and kept.model_options["init_weight"] == 0.5


def test_nbsvm_gets_its_weight_decay_unless_one_is_given():
    p = profile_of([10] * 300)
    lines: list[str] = []
    for asked in (RunConfig(), RunConfig().with_overrides({"model": "nbsvm"})):
        chosen = resolve_auto(asked, p, lines.append)
        assert chosen.train.weight_decay == default_weight_decay("nbsvm") > 0
    assert all("weight decay 0.001" in line for line in lines)
    for mine in (0.0, 0.05):
        given = RunConfig().with_overrides({"model": "nbsvm", "train.weight_decay": mine})
        assert resolve_auto(given, p, lines.append).train.weight_decay == mine
    # the networks: none, as before; the multi-label "auto" (a textcnn) too
    assert RunConfig().with_overrides({"model": "textcnn"}).validated().train.weight_decay == 0
    labels = np.zeros((300, 3), np.float32)
    labels[:, 0] = 1
    multi = DataProfile.of([" ".join(["w"] * 10)] * 300, labels, Tokenizer("words"))
    assert resolve_auto(RunConfig(), multi, lines.append).train.weight_decay == 0

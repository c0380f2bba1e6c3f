"""Skip-gram vectors on our own text: what they learn, the file they make, and bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import config, toy_csv
from textnn.cli import main
from textnn.errors import DataError
from textnn.runs.pipeline import train
from textnn.text.tokenize import Tokenizer
from textnn.vectors.pretrained import Vectors, load_vectors
from textnn.vectors.skipgram import (
    SkipgramConfig,
    texts_to_learn_from,
    train_skipgram,
    write_vectors,
)

ONE_THREAD = SkipgramConfig(dim=16, window=2, min_count=1, epochs=30, workers=1, sample=0)


def two_topics(n: int = 300, seed: int = 0) -> list[str]:
    """Sentences of either sea words or desert words, never both."""
    rng = np.random.default_rng(seed)
    topics = [
        ["wave", "boat", "shore", "tide", "sail"],
        ["dune", "camel", "sand", "cactus", "oasis"],
    ]
    return [" ".join(rng.choice(topics[i % 2], size=6)) for i in range(n)]


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_words_that_share_contexts_end_up_closer():
    vectors = train_skipgram(two_topics(), Tokenizer("words"), ONE_THREAD)
    assert set(vectors.words) == {"wave", "boat", "shore", "tide", "sail"} | {
        "dune",
        "camel",
        "sand",
        "cactus",
        "oasis",
    }
    same = cosine(vectors["wave"], vectors["tide"]), cosine(vectors["sand"], vectors["camel"])
    across = cosine(vectors["wave"], vectors["sand"]), cosine(vectors["tide"], vectors["camel"])
    assert min(same) > max(across) + 0.3


def test_one_worker_repeats_exactly_and_the_seed_matters():
    texts = two_topics(100)
    first = train_skipgram(texts, Tokenizer("words"), ONE_THREAD)
    again = train_skipgram(texts, Tokenizer("words"), ONE_THREAD)
    other = train_skipgram(
        texts, Tokenizer("words"), SkipgramConfig(**{**vars(ONE_THREAD), "seed": 1})
    )
    assert first.words == again.words
    np.testing.assert_array_equal(first.matrix, again.matrix)
    assert not np.allclose(first.matrix, other.matrix)


def test_min_count_drops_rare_words_and_says_when_none_is_left():
    texts = ["common common common rare"] * 2
    vectors = train_skipgram(texts, Tokenizer("words"), SkipgramConfig(min_count=3, workers=1))
    assert vectors.words == ["common"]
    with pytest.raises(ValueError, match="no word occurs 10 times"):
        train_skipgram(texts, Tokenizer("words"), SkipgramConfig(min_count=10, workers=1))
    with pytest.raises(ValueError, match="every text is empty"):
        train_skipgram(["", "  "], Tokenizer("words"), SkipgramConfig(workers=1))


@pytest.mark.parametrize(
    "field, value", [("dim", 0), ("epochs", 0), ("negative", 0), ("workers", -1)]
)
def test_bad_settings_are_refused_by_name(field, value):
    with pytest.raises(ValueError, match=field):
        SkipgramConfig(**{field: value})


words_strategy = st.lists(
    st.text(alphabet=st.characters(blacklist_categories=("Z", "C")), min_size=1, max_size=8),
    min_size=1,
    max_size=20,
    unique=True,
)


@settings(max_examples=25, deadline=None)
@given(words=words_strategy, dim=st.integers(1, 6), seed=st.integers(0, 2**16))
def test_written_vectors_load_back_the_same(tmp_path_factory, words, dim, seed):
    matrix = np.random.default_rng(seed).normal(size=(len(words), dim)).astype(np.float32)
    path = write_vectors(Vectors(words, matrix), tmp_path_factory.mktemp("v") / "v.txt")
    loaded = load_vectors(path, cache=False)
    assert loaded.words == words
    np.testing.assert_allclose(loaded.matrix, matrix, rtol=1e-5, atol=1e-6)


def test_text_files_give_one_text_a_line_and_bad_bytes_name_the_line(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("first text\n\nsecond text\r\n")
    texts, about = texts_to_learn_from(files=[good])
    assert texts == ["first text", "second text"]
    assert about["texts"] == 2
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"fine\nbroken \xff here\n")
    with pytest.raises(DataError, match=r"bad\.txt.*line 2"):
        texts_to_learn_from(files=[bad])
    with pytest.raises(DataError, match="no such text file"):
        texts_to_learn_from(files=[tmp_path / "missing.txt"])


def test_a_dataset_gives_its_training_texts_never_its_test_texts(tmp_path):
    data = tmp_path / "toy"
    for split, n in (("train", 6), ("test", 3)):
        for label in ("pos", "neg"):
            (data / split / label).mkdir(parents=True)
            for i in range(n):
                (data / split / label / f"{i}.txt").write_text(f"{split} {label} text {i}")
    texts, _ = texts_to_learn_from(str(data))
    assert len(texts) == 12
    assert all(text.startswith("train ") for text in texts)
    with pytest.raises(ValueError, match="only imdb come with unlabelled texts"):
        texts_to_learn_from(str(data), unlabeled=True)
    with pytest.raises(ValueError, match="give a dataset"):
        texts_to_learn_from()


def test_cli_writes_vectors_that_train_reads(tmp_path):
    data = toy_csv(tmp_path / "toy.csv", n=200)
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(two_topics(50)) + "\n")
    out = tmp_path / "vectors" / "toy.txt"
    args = ["vectors", "--data", str(data), "--input", str(corpus), "--out", str(out)]
    result = CliRunner().invoke(main, [*args, "--dim", "16", "--min-count", "1", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "learning from 250 texts" in result.output
    record = json.loads(out.with_name("toy.txt.json").read_text())
    assert record["skipgram"]["dim"] == 16 and record["texts"] == 250
    assert record["files"] == [str(corpus)]
    said: list[str] = []
    run = train(config(data, embeddings=str(out)), tmp_path / "run", echo=said.append)
    assert run.report is not None
    coverage = [line for line in said if line.startswith(f"embeddings {out}: ")]
    assert coverage and "100.0%" in coverage[0], said


def test_cli_asks_for_text_to_learn_from(tmp_path):
    result = CliRunner().invoke(main, ["vectors", "--out", str(tmp_path / "v.txt")])
    assert result.exit_code == 2
    assert "give --data, --input FILE, or both" in result.output

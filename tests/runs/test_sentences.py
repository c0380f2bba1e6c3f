"""data.sentences: labelled texts become their sentences, each labelled as its text, after the
train / validation / test split."""

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers import config
from textnn.data.dataset import Dataset, Examples
from textnn.data.sentences import MIN_WORDS, split_sentences
from textnn.errors import DataError
from textnn.runs.data import split_data
from textnn.runs.pipeline import train


def examples(texts, labels):
    return Examples(list(texts), np.asarray(labels, dtype=np.int32))


def test_sentences_keep_their_text_label_and_order():
    got, short = split_sentences(
        examples(
            [
                "A fine film indeed. I loved every minute!<br /><br />Wow! Would I see it again?",
                "Dull, slow and long.   Avoid this one.",
            ],
            [1, 0],
        )
    )
    assert got.texts == [
        "A fine film indeed.",
        "I loved every minute!",
        "Would I see it again?",
        "Dull, slow and long.",
        "Avoid this one.",
    ]
    assert got.labels.tolist() == [1, 1, 1, 0, 0]
    assert short == 1  # "Wow!"


words = st.lists(st.sampled_from(["good", "bad", "film", "plot", "a"]), min_size=1, max_size=6)
ends = st.sampled_from([". ", "! ", "? ", "<br />", "<br/><br/>"])


@given(st.lists(st.lists(st.tuples(words, ends), min_size=1, max_size=5), min_size=1, max_size=6))
def test_every_sentence_is_part_of_its_text_and_none_is_lost_unsaid(documents):
    texts = ["".join(" ".join(w) + end for w, end in doc) for doc in documents]
    labels = [i % 2 for i in range(len(texts))]
    got, short = split_sentences(examples(texts, labels))
    kept = [sum(len(w) >= MIN_WORDS for w, _ in doc) for doc in documents]
    assert len(got) == sum(kept)
    assert short == sum(len(doc) for doc in documents) - sum(kept)
    owners = np.repeat(np.arange(len(texts)), kept)
    for sentence, label, owner in zip(got.texts, got.labels, owners, strict=True):
        assert sentence in texts[owner]
        assert label == labels[owner]


def numbered(n: int) -> Dataset:
    """Text i: two sentences that both name i, labelled i % 2."""
    texts = [f"Review t{i} starts here. Then review t{i} ends here." for i in range(n)]
    train = examples(texts, [i % 2 for i in range(n)])
    return Dataset("numbered", ["neg", "pos"], {"train": train})


def test_a_texts_sentences_stay_in_its_split():
    cfg = config("unused", **{"data.sentences": True, "data.validation_fraction": 0.2})
    _, train_ex, val_ex, test_ex = split_data(cfg, echo=lambda _: None, dataset=numbered(100))
    owner = [{re.search(r"t\d+", t)[0] for t in part.texts} for part in (train_ex, val_ex, test_ex)]
    assert len(train_ex) == 2 * len(owner[0])  # both sentences of each text
    assert not owner[0] & owner[1] and not owner[0] & owner[2] and not owner[1] & owner[2]
    assert len(owner[0] | owner[1] | owner[2]) == 100


def test_a_split_without_a_long_enough_sentence_is_an_error():
    short = Dataset(
        "short", ["neg", "pos"], {"train": examples(["Bad.", "Good!"] * 20, [0, 1] * 20)}
    )
    with pytest.raises(DataError, match="no sentence of 3 words"):
        split_data(config("unused", **{"data.sentences": True}), lambda _: None, short)


def test_a_run_on_sentences_learns_from_them_and_reports_on_sentences(tmp_path):
    """Each review: one sentence with its sentiment word and one neutral sentence, so a model
    of sentences can be right on about three test sentences in four, and no more."""
    rng = np.random.default_rng(0)
    filler = ["the", "film", "was", "a", "plot", "and", "with", "actors", "story"]
    texts, labels = [], []
    for i in range(600):
        opinion = [*rng.choice(filler, 4), "great" if i % 2 else "awful"]
        neutral = list(rng.choice(filler, 5))
        order = [opinion, neutral] if rng.random() < 0.5 else [neutral, opinion]
        texts.append(". ".join(" ".join(s) for s in order) + ".")
        labels.append(i % 2)
    data = Dataset("reviews", ["neg", "pos"], {"train": examples(texts, labels)})
    cfg = config("unused", **{"data.sentences": True, "train.learning_rate": 0.01})
    result = train(cfg, None, dataset=data, echo=lambda _: None)
    assert result.report["examples"] == 2 * 60  # 10% of the reviews, two sentences each
    assert 0.65 < result.report["accuracy"] <= 0.85

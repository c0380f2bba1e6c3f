"""The real datasets and vectors from the offline mirror (skipped only when there is none)."""

import numpy as np
import pytest

from textnn.data import load_dataset, stratified_kfold
from textnn.text import Tokenizer, build_and_encode
from textnn.vectors.pretrained import load_vectors

pytestmark = pytest.mark.mirror

THE = np.array([0.418, 0.24968, -0.41242], dtype=np.float32)


def test_imdb_counts_and_labels(mirror):
    d = load_dataset("imdb")
    assert d.label_names == ["neg", "pos"]
    for split in (d.train, d.test):
        assert split.class_counts(2).tolist() == [12500, 12500]
    assert all(t.strip() for t in d.train.texts[:100])


def test_uci_counts_per_source(mirror):
    for source in ("amazon", "imdb", "yelp"):
        d = load_dataset("uci_sentences", sources=[source])
        assert d.train.class_counts(2).tolist() == [500, 500]
    d = load_dataset("uci_sentences")
    assert len(d.train) == 3000
    # imdb_labelled.txt's stray quotes stay inside the sentence; nothing is merged or lost.
    assert any('"' in t for t in d.train.texts)
    assert all("\t" not in t for t in d.train.texts)


def test_mr_counts_and_latin1(mirror):
    d = load_dataset("mr")
    assert d.train.class_counts(2).tolist() == [5331, 5331]
    assert any("\x85" in t or "é" in t for t in d.train.texts)
    folds = stratified_kfold(d.train.labels, k=10, seed=1)
    assert sorted(len(test) for _, test in folds) == [1066] * 8 + [1067] * 2


def test_kim_corpora_counts(mirror):
    """Subj (Latin-1: byte 0x85 stays inside its sentence), CR and MPQA (empty lines left out)."""
    subj = load_dataset("subj")
    assert subj.label_names == ["objective", "subjective"]
    assert subj.train.class_counts(2).tolist() == [5000, 5000]
    assert any("\x85" in t for t in subj.train.texts)
    cr, mpqa = load_dataset("cr"), load_dataset("mpqa")
    assert cr.train.class_counts(2).tolist() == [1366, 2405]
    assert mpqa.train.class_counts(2).tolist() == [7292, 3311]
    assert all(t.strip() for t in cr.train.texts + mpqa.train.texts)


def test_ag_news_test_split(mirror):
    d = load_dataset("ag_news", splits=["test"])
    assert d.label_names == ["World", "Sports", "Business", "Sci/Tech"]
    assert d.test.class_counts(4).tolist() == [1900] * 4
    assert not any("\\" in t for t in d.test.texts)
    assert d.test.texts[0].startswith("Fears for T N pension after talks Unions representing")


def test_ag_news_train_is_not_in_the_mirror(mirror):
    from textnn.errors import FetchError

    with pytest.raises(FetchError, match=r"train\.csv"):
        load_dataset("ag_news", download=False)


def test_glove_the_from_package_and_mirror(mirror):
    package = load_vectors("glove-6b-50d")
    text = load_vectors(mirror / "glove" / "glove.6B.50d.txt.xz")
    assert len(package) == len(text) == 400_000 and package.dim == text.dim == 50
    np.testing.assert_allclose(package["the"][:3], THE)
    np.testing.assert_array_equal(package["the"], text["the"])
    assert package.words[:1000] == text.words[:1000]


def test_imdb_vocabulary_from_train_only(mirror):
    d = load_dataset("imdb")
    vocab, ids = build_and_encode(d.train.texts, Tokenizer("words"), min_freq=2)
    assert vocab.itos[2] == "the"
    assert len(ids) == 25000
    test_ids = Tokenizer("words").encode(d.test.texts[:500], vocab)
    assert (test_ids.ids == vocab.unk_id).any()  # words seen only in test stay unknown

import re
import string

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from textnn.errors import NotFoundError
from textnn.text import TOKENIZERS, Ragged, Tokenizer, Vocab
from textnn.text.tokenize import PTB_WORD, PTB_WORD_FAST, hf_tokenize

SAMPLE = "Don't stop!! It's 3.5 x,y <br />OK «quoted» Ünïcödé — ½"


def test_whitespace_is_d2l_style():
    assert Tokenizer("whitespace").tokenize(SAMPLE)[:5] == ["don't", "stop!!", "it's", "3.5", "x,y"]


def test_normalize_strips_punctuation_and_symbols():
    tokens = Tokenizer("normalize").tokenize(SAMPLE)
    assert tokens == [
        "don",
        "t",
        "stop",
        "it",
        "s",
        "3",
        "5",
        "x",
        "y",
        "br",
        "ok",
        "quoted",
        "ünïcödé",
        "½",
    ]


def test_words_keeps_contractions_and_splits_marks():
    tokens = Tokenizer("words").tokenize(SAMPLE)
    assert tokens[:6] == ["don't", "stop", "!", "!", "it's", "3"]
    assert "br" not in tokens and "«" in tokens and "—" in tokens


def test_lowercase_flag_and_config_round_trip():
    tok = Tokenizer("words", lowercase=False)
    assert tok.tokenize("Hello World") == ["Hello", "World"]
    assert Tokenizer.from_config(tok.to_config()).tokenize("A b") == ["A", "b"]


def test_unknown_tokenizer_and_bad_input():
    with pytest.raises(NotFoundError, match="did you mean 'words'"):
        Tokenizer("word")
    with pytest.raises(TypeError):
        Tokenizer().tokenize(None)
    with pytest.raises(TypeError, match="single string"):
        Tokenizer().tokenize_batch("a text")


# Printable ASCII plus Latin-1 letters and common Unicode punctuation: where the Python and Rust
# Unicode tables agree (combining marks and rare case mappings differ between the two engines).
ALPHABET = string.printable + "éèàüößçñÉÜ«»“”‘’—–…€£½"


@settings(max_examples=150, deadline=None)
@given(st.text(ALPHABET, max_size=80), st.sampled_from(TOKENIZERS))
def test_fast_path_agrees_with_hugging_face_pipeline(text, name):
    tok = Tokenizer(name)
    assert tok.tokenize(text) == hf_tokenize(tok.to_hf(), text)


@settings(max_examples=300, deadline=None)
@given(st.text("dont'’ smrevl.1_ é", max_size=40))
def test_the_fast_glove_pattern_splits_as_the_ptb_pattern(text):
    """An alphabet dense in clitics, n't and apostrophes, where the two patterns could part."""
    assert re.findall(PTB_WORD_FAST, text) == re.findall(PTB_WORD, text)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(ALPHABET, max_size=40), max_size=12), st.sampled_from(TOKENIZERS))
def test_index_and_encode_agree_with_tokenize(texts, name):
    tok = Tokenizer(name)
    tokens, counts, ragged = tok.index(texts)
    assert len(ragged) == len(texts)
    for i, text in enumerate(texts):
        assert [tokens[j] for j in ragged[i]] == tok.tokenize(text)
    all_tokens = [t for text in texts for t in tok.tokenize(text)]
    assert counts.tolist() == [all_tokens.count(t) for t in tokens]
    vocab = Vocab.from_counts(tokens, counts)
    encoded = tok.encode(texts, vocab)
    assert encoded.tolist() == [vocab.encode(tok.tokenize(t)) for t in texts]


def test_hf_export_encodes_like_encode(tmp_path):
    tok = Tokenizer("words")
    texts = ["A good film.", "A bad, bad film!", "unseen words here"]
    vocab = Vocab.from_counts(*tok.index(texts[:2])[:2])
    hf = tok.to_hf(vocab)
    hf.save(str(tmp_path / "tokenizer.json"))
    from tokenizers import Tokenizer as HFTokenizer

    loaded = HFTokenizer.from_file(str(tmp_path / "tokenizer.json"))
    assert [e.ids for e in loaded.encode_batch(texts)] == tok.encode(texts, vocab).tolist()


@given(st.lists(st.lists(st.integers(0, 1000), max_size=10), max_size=10))
def test_ragged_take(sequences):
    ragged = Ragged.from_lists(sequences)
    assert ragged.tolist() == sequences
    order = np.arange(len(sequences))[::-1]
    assert ragged.take(order).tolist() == [sequences[i] for i in order]

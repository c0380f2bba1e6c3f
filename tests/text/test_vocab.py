import pytest
from hypothesis import given
from hypothesis import strategies as st

from textnn.errors import DataError
from textnn.text import Tokenizer, Vocab, build_and_encode


def test_specials_order_and_ties():
    v = Vocab.from_counts(["b", "a", "c", "d"], [2, 2, 5, 1])
    assert v.itos == ["<pad>", "<unk>", "c", "a", "b", "d"]
    assert (v.pad_id, v.unk_id) == (0, 1)
    assert v.freqs == [0, 0, 5, 2, 2, 1]


def test_min_freq_and_max_size():
    v = Vocab.from_counts(["a", "b", "c"], [3, 2, 1], min_freq=2)
    assert v.itos[2:] == ["a", "b"]
    v = Vocab.from_counts(["a", "b", "c"], [3, 2, 1], max_size=3)
    assert v.itos == ["<pad>", "<unk>", "a"]
    with pytest.raises(ValueError):
        Vocab.from_counts(["a"], [1], max_size=1)
    with pytest.raises(ValueError):
        Vocab.from_counts(["a"], [1], min_freq=0)


def test_literal_special_tokens_in_text_get_no_second_id():
    v = Vocab.build(["<unk> <pad> real"], Tokenizer("whitespace"))
    assert v.itos == ["<pad>", "<unk>", "real"]


def test_unknown_and_decode():
    v = Vocab.build(["the cat sat", "the dog"], Tokenizer("whitespace"))
    assert v.encode(["the", "bird"]) == [2, 1]
    assert v.decode([2, 1, 0, 0]) == ["the", "<unk>"]
    assert v.decode([2, 0], skip_pad=False) == ["the", "<pad>"]
    with pytest.raises(IndexError):
        v.decode([99])


def test_build_and_encode_matches_build_then_encode():
    texts = ["a b a c", "c c d", "e"]
    tok = Tokenizer("whitespace")
    vocab, ids = build_and_encode(texts, tok, max_size=5)
    assert vocab == Vocab.build(texts, tok, max_size=5)
    assert ids.tolist() == tok.encode(texts, vocab).tolist()


def test_save_load_round_trip(tmp_path):
    v = Vocab.build(["ünï code", "code"], Tokenizer())
    v.save(tmp_path / "vocab.json")
    assert Vocab.load(tmp_path / "vocab.json") == v


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"tokens": ["<pad>", "<unk>"]}', "not a textnn vocabulary"),
        ('{"format": "textnn.vocab", "tokens": ["a", "b"]}', "damaged"),
    ],
)
def test_load_errors(tmp_path, content, message):
    (tmp_path / "v.json").write_text(content)
    with pytest.raises(DataError, match=message):
        Vocab.load(tmp_path / "v.json")
    with pytest.raises(DataError, match="not found"):
        Vocab.load(tmp_path / "missing.json")


words = st.text("abcdefgh", min_size=1, max_size=4)


@given(st.lists(st.lists(words, max_size=8), min_size=1, max_size=10))
def test_encode_decode_round_trip(docs):
    texts = [" ".join(d) for d in docs]
    vocab = Vocab.build(texts, Tokenizer("whitespace"))
    for doc in docs:
        assert vocab.decode(vocab.encode(doc)) == doc
    counts = {}
    for doc in docs:
        for w in doc:
            counts[w] = counts.get(w, 0) + 1
    assert dict(zip(vocab.itos[2:], vocab.freqs[2:], strict=True)) == counts
    assert vocab.freqs[2:] == sorted(vocab.freqs[2:], reverse=True)


def test_extended_appends_missing_tokens_and_keeps_every_existing_id():
    v = Vocab.build(["a b b c"], Tokenizer("whitespace"))
    grown = v.extended(["b d d e e e f"], Tokenizer("whitespace"))
    assert grown.itos[: len(v)] == v.itos and grown.freqs[: len(v)] == v.freqs
    assert grown.itos[len(v) :] == ["e", "d", "f"]  # new ones only, by falling count
    assert grown.freqs[len(v) :] == [3, 2, 1]
    assert v.extended(["d d e"], Tokenizer("whitespace"), min_freq=2).itos[len(v) :] == ["d"]
    capped = v.extended(["d d e"], Tokenizer("whitespace"), max_size=len(v) + 1)
    assert capped.itos[len(v) :] == ["d"]
    assert v.extended(["d"], Tokenizer("whitespace"), max_size=2) == v  # already full


@given(
    st.lists(st.text(alphabet="abcde ", max_size=20), max_size=6),
    st.lists(st.text(alphabet="cdefg ", max_size=20), max_size=6),
)
def test_extended_encodes_old_words_as_before_and_knows_every_new_one(old, new):
    tok = Tokenizer("whitespace")
    v = Vocab.build(old, tok)
    grown = v.extended(new, tok)
    for doc in old + new:
        tokens = tok.tokenize(doc)
        assert grown.encode(tokens) == [v.stoi[t] if t in v else grown.stoi[t] for t in tokens]
        assert grown.unk_id not in grown.encode(tokens)

import gzip
import lzma
import struct
import zipfile

import numpy as np
import pytest

from textnn.errors import DataError, NotFoundError
from textnn.text import Tokenizer, Vocab
from textnn.vectors.pretrained import embedding_matrix, load_vectors

WORDS = {"the": [0.5, -1.0, 0.25], "cat": [1.0, 2.0, 3.0], "Paris": [0.0, 0.125, -2.0]}


def glove_text(header=False):
    lines = [f"{w} " + " ".join(repr(x) for x in v) for w, v in WORDS.items()]
    if header:
        lines.insert(0, f"{len(WORDS)} 3")
    return ("\n".join(lines) + "\n").encode()


def check(vectors):
    assert vectors.words == list(WORDS) and vectors.dim == 3
    for word, vector in WORDS.items():
        np.testing.assert_array_equal(vectors[word], np.float32(vector))


@pytest.mark.parametrize("kind", ["txt", "vec", "gz", "xz", "zip"])
def test_text_formats(tmp_path, kind):
    data = glove_text(header=kind == "vec")
    path = tmp_path / f"v.{kind}"
    if kind == "gz":
        path.write_bytes(gzip.compress(data))
    elif kind == "xz":
        path.write_bytes(lzma.compress(data))
    elif kind == "zip":
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("glove.6B.3d.txt", data)
            zf.writestr("glove.6B.4d.txt", b"x 1 2 3 4\n")
    else:
        path.write_bytes(data)
    check(load_vectors(path, member="glove.6B.3d.txt" if kind == "zip" else None))


def test_zip_with_several_members_needs_member(tmp_path):
    with zipfile.ZipFile(tmp_path / "v.zip", "w") as zf:
        zf.writestr("a.txt", glove_text())
        zf.writestr("b.txt", glove_text())
    with pytest.raises(DataError, match="pass member="):
        load_vectors(tmp_path / "v.zip")


def test_word2vec_binary(tmp_path):
    out = [f"{len(WORDS)} 3\n".encode()]
    for word, vector in WORDS.items():
        out.append(word.encode() + b" " + struct.pack("<3f", *vector) + b"\n")
    (tmp_path / "v.bin").write_bytes(b"".join(out))
    check(load_vectors(tmp_path / "v.bin"))


def test_words_with_spaces_and_cache(tmp_path, isolated_home):
    (tmp_path / "v.txt").write_bytes(glove_text() + b". . . 1 2 3\n")
    first = load_vectors(tmp_path / "v.txt")
    assert first.words[-1] == ". . ." and first[". . ."].tolist() == [1, 2, 3]
    assert len(list((isolated_home / "vectors").iterdir())) == 1
    (tmp_path / "v.txt").unlink()  # the cache is keyed by the file, so keep it to test a hit
    (tmp_path / "v.txt").write_bytes(glove_text() + b". . . 1 2 3\n")
    again = load_vectors(tmp_path / "v.txt")
    assert again.words == first.words
    np.testing.assert_array_equal(np.asarray(again.matrix), np.asarray(first.matrix))


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        (b"a 1 2 3\nb 1 2\n", 2, "expected a word and 3 numbers"),
        (b"a 1 2 3\nb 1 x 3\n", 2, "not a number"),
    ],
)
def test_malformed_lines_are_named(tmp_path, content, line, message):
    (tmp_path / "v.txt").write_bytes(content)
    with pytest.raises(DataError, match=message) as err:
        load_vectors(tmp_path / "v.txt", cache=False)
    assert err.value.line == line


def test_unknown_builtin_name():
    with pytest.raises(NotFoundError, match="glove-6b-50d"):
        load_vectors("glove-6b-51d")


def test_embedding_matrix_coverage(tmp_path):
    (tmp_path / "v.txt").write_bytes(glove_text())
    vectors = load_vectors(tmp_path / "v.txt")
    vocab = Vocab.build(["the cat the paris dog dog dog"], Tokenizer("whitespace"))
    matrix, coverage = embedding_matrix(vocab, vectors, seed=0)
    assert matrix.shape == (len(vocab), 3) and matrix.dtype == np.float32
    assert not matrix[vocab.pad_id].any()
    np.testing.assert_array_equal(matrix[vocab.stoi["cat"]], np.float32(WORDS["cat"]))
    np.testing.assert_array_equal(matrix[vocab.stoi["paris"]], np.float32(WORDS["Paris"]))
    assert (coverage.exact, coverage.lowercase, coverage.missing) == (2, 1, 1)
    assert coverage.missing_examples == ["dog"]
    assert coverage.token_share == pytest.approx(4 / 7)
    assert coverage.share == pytest.approx(3 / 4)
    again, _ = embedding_matrix(vocab, vectors, seed=0)
    np.testing.assert_array_equal(matrix, again)


def test_lowercase_fallback(tmp_path):
    (tmp_path / "v.txt").write_bytes(b"paris 1 1 1\n")
    vocab = Vocab.build(["Paris"], Tokenizer("whitespace", lowercase=False))
    _, coverage = embedding_matrix(vocab, load_vectors(tmp_path / "v.txt"))
    assert (coverage.exact, coverage.lowercase) == (0, 1)


def test_missing_rows_follow_the_vectors_scale(tmp_path):
    rng = np.random.default_rng(0)
    lines = [f"w{i} " + " ".join(f"{x:.4f}" for x in rng.normal(0, 3.0, 8)) for i in range(500)]
    (tmp_path / "v.txt").write_text("\n".join(lines) + "\n")
    vocab = Vocab.from_counts([f"new{i}" for i in range(2000)], [1] * 2000)
    matrix, coverage = embedding_matrix(vocab, load_vectors(tmp_path / "v.txt"))
    assert coverage.missing == 2000
    assert matrix[2:].std() == pytest.approx(3.0, rel=0.1)


def test_missing_rows_can_be_zeros_as_in_d2l(tmp_path):
    (tmp_path / "v.txt").write_bytes(glove_text())
    vectors = load_vectors(tmp_path / "v.txt")
    vocab = Vocab.build(["the cat the paris dog dog dog"], Tokenizer("whitespace"))
    random, _ = embedding_matrix(vocab, vectors, seed=0)
    zeros, coverage = embedding_matrix(vocab, vectors, seed=0, missing="zeros")
    missing = [vocab.unk_id, vocab.stoi["dog"]]
    assert random[missing].any() and not zeros[missing].any()
    found = [vocab.stoi[w] for w in ("the", "cat", "paris")]
    np.testing.assert_array_equal(zeros[found], random[found])
    assert coverage.missing_examples == ["dog"]
    with pytest.raises(DataError, match="missing_vectors must be one of random, zeros"):
        embedding_matrix(vocab, vectors, missing="mean")


def test_builtin_name_reads_the_canonical_zip_from_a_mirror(tmp_path, monkeypatch):
    (tmp_path / "glove").mkdir()
    with zipfile.ZipFile(tmp_path / "glove" / "glove.6B.zip", "w") as zf:
        zf.writestr("glove.6B.100d.txt", b"the " + b" ".join([b"0.5"] * 100) + b"\n")
        zf.writestr("glove.6B.200d.txt", b"the " + b" ".join([b"0.25"] * 200) + b"\n")
    monkeypatch.setenv("TEXTNN_MIRROR", str(tmp_path))
    vectors = load_vectors("glove-6b-200d")
    assert vectors.dim == 200 and vectors["the"][0] == np.float32(0.25)
    with pytest.raises(DataError, match="expected 100"):  # a file of the wrong width is refused
        with zipfile.ZipFile(tmp_path / "glove" / "glove.6B.zip", "w") as zf:
            zf.writestr("glove.6B.100d.txt", b"the 1 2 3\n")
        load_vectors("glove-6b-100d")

"""Built-in datasets from a tiny fake mirror (the real ones: test_real_data.py)."""

import io
import tarfile

import pytest

from textnn.data import DATASETS, available_splits, describe, load_dataset
from textnn.data.registry import UCI_FILES
from textnn.errors import DataError, FetchError, NotFoundError


def test_unknown_name_suggests_close_names():
    with pytest.raises(NotFoundError) as err:
        load_dataset("imbd")
    assert "did you mean 'imdb'" in str(err.value)


def test_unknown_option_and_split():
    with pytest.raises(DataError, match=r"takes no option 'sources'. It accepts: unlabeled"):
        load_dataset("imdb", sources=["x"])
    with pytest.raises(DataError, match="did you mean 'unlabeled'"):
        load_dataset("imdb", unlabelled=True)
    with pytest.raises(DataError, match="no split 'dev'"):
        load_dataset("mr", splits=["dev"])


def test_offline_without_files_is_a_clear_error():
    with pytest.raises(FetchError, match="not available"):
        load_dataset("mr", download=False)


def test_every_builtin_is_described():
    for name in DATASETS:
        info = describe(name)
        assert info["citation"] and info["licence"] and info["classes"]
        assert all(status == "download" for status in info["files"].values())
        assert available_splits(name) == []


def fake_imdb(path, per_class=2):
    """A tiny aclImdb archive: `per_class` reviews per split and class, plus unsup ones."""
    with tarfile.open(path, "w:xz") as tar:
        for split in ("train", "test"):
            for label, rating in (("pos", 9), ("neg", 2), ("unsup", 0)):
                if label == "unsup" and split == "test":
                    continue
                for i in range(per_class):
                    data = f"{split} {label} review {i}".encode()
                    info = tarfile.TarInfo(f"aclImdb/{split}/{label}/{i}_{rating}.txt")
                    info.size = len(data)
                    tar.addfile(info, io.BytesIO(data))


def test_wrong_counts_are_reported(tmp_path, monkeypatch):
    (tmp_path / "imdb").mkdir()
    fake_imdb(tmp_path / "imdb" / "aclImdb_v1_text.tar.xz")
    monkeypatch.setenv("TEXTNN_MIRROR", str(tmp_path))
    with pytest.raises(DataError, match=r"has \(2, 2\) examples per class .* expected \(12500"):
        load_dataset("imdb")


def test_imdb_parsing_and_parsed_cache(tmp_path, monkeypatch, isolated_home):
    import textnn.data.registry as registry

    (tmp_path / "imdb").mkdir()
    fake_imdb(tmp_path / "imdb" / "aclImdb_v1_text.tar.xz", per_class=3)
    monkeypatch.setenv("TEXTNN_MIRROR", str(tmp_path))
    monkeypatch.setitem(registry.IMDB.counts, "train", (3, 3))
    monkeypatch.setitem(registry.IMDB.counts, "test", (3, 3))
    d = load_dataset("imdb", unlabeled=True)
    assert d.train.texts[:3] == [f"train neg review {i}" for i in range(3)]
    assert d.train.labels.tolist() == [0, 0, 0, 1, 1, 1]
    assert d.unlabeled == [f"train unsup review {i}" for i in range(3)]
    assert len(list((isolated_home / "datasets" / "parsed").iterdir())) == 1
    again = load_dataset("imdb", unlabeled=True)  # from the parsed copy
    assert again.train.texts == d.train.texts and again.unlabeled == d.unlabeled
    assert again.test.labels.tolist() == d.test.labels.tolist()


def test_uci_damaged_mirror_file_is_refused(tmp_path, monkeypatch):
    (tmp_path / "uci_sentiment").mkdir()
    for name, _ in UCI_FILES.values():
        (tmp_path / "uci_sentiment" / name).write_text("a sentence\t1\n")
    monkeypatch.setenv("TEXTNN_MIRROR", str(tmp_path))
    with pytest.raises(DataError, match="sha256 is"):
        load_dataset("uci_sentences")
    with pytest.raises(NotFoundError, match="did you mean 'yelp'"):
        load_dataset("uci_sentences", sources=["yelpp"])

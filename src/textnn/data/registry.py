"""The built-in datasets: where each comes from (canonical URLs, pinned checksums), what it holds
(label names, expected counts), and how its files become examples.

Layout paths (`imdb/...`, `uci_sentiment/...`) are the same in the cache and in the offline mirror.
"""

from __future__ import annotations

import re
import tarfile
from collections.abc import Sequence
from pathlib import Path

from textnn.data.builtin import BuiltinDataset, Parsed, label_by_number
from textnn.data.fetch import DataFile, Source
from textnn.data.goemotions import GOEMOTIONS
from textnn.data.line_corpora import CR, MPQA, MR, SUBJ
from textnn.data.readers import RawExamples, read_delimited, read_text_tab_label
from textnn.errors import DataError, NotFoundError

__all__ = ["DATASETS", "BuiltinDataset", "Parsed", "get"]

# ---------------------------------------------------------------------------------------- IMDb

IMDB_PATH = re.compile(r"aclImdb/(train|test)/(pos|neg|unsup)/(\d+)_(\d+)\.txt$")


def parse_imdb(paths: dict[str, Path], splits: Sequence[str], unlabeled: bool = False) -> Parsed:
    """Read the aclImdb tree straight from its archive (gzip or xz), sorted by split, class, id."""
    archive = paths["archive"]
    found: dict[tuple[str, str], list[tuple[int, str]]] = {}
    try:
        with tarfile.open(archive) as tar:
            for member in tar:
                match = IMDB_PATH.search(member.name) if member.isfile() else None
                if not match:
                    continue
                split, label, review_id = match[1], match[2], int(match[3])
                if label == "unsup" and not unlabeled:
                    continue
                if split not in splits and label != "unsup":
                    continue
                raw = tar.extractfile(member).read()
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    raise DataError(
                        "review is not UTF-8", path=f"{archive}:{member.name}"
                    ) from None
                found.setdefault((split, label), []).append((review_id, text))
    except (tarfile.TarError, EOFError, OSError) as err:
        raise DataError(
            f"cannot read the archive ({err}); delete it to download it again", path=archive
        ) from err
    out = {}
    for split in splits:
        raw = RawExamples()
        for label in ("neg", "pos"):
            for review_id, text in sorted(found.get((split, label), [])):
                raw.texts.append(text)
                raw.labels.append(label)
                raw.where.append((f"{archive}:aclImdb/{split}/{label}", review_id))
        out[split] = raw
    unsup = [text for _, text in sorted(found.get(("train", "unsup"), []))] if unlabeled else None
    return out, unsup


IMDB = BuiltinDataset(
    name="imdb",
    title="Large Movie Review Dataset v1 (IMDb sentiment)",
    citation="Maas et al. 2011, Learning Word Vectors for Sentiment Analysis, ACL.",
    licence="Research use; see the dataset's README.",
    homepage="https://ai.stanford.edu/~amaas/data/sentiment/",
    label_names=("neg", "pos"),
    files={
        "archive": DataFile(
            "imdb/aclImdb_v1.tar.gz",
            Source(
                "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz",
                md5="7c2ac02c03563afcf9b574c7e56c153a",
            ),
            # The mirror's copy holds only the texts (no *.feat files): verified by its counts.
            alternatives=("imdb/aclImdb_v1_text.tar.xz",),
        )
    },
    split_files={"train": ("archive",), "test": ("archive",)},
    parse=parse_imdb,
    counts={"train": (12500, 12500), "test": (12500, 12500)},
    notes="Pass unlabeled=True for the 50,000 unlabelled training reviews.",
    options={"unlabeled": False},
    cache_parsed=True,
)

# ------------------------------------------------------------------------------------- AG News

AG_NEWS_URL = "https://raw.githubusercontent.com/mhjabreel/CharCnn_Keras/master/data/ag_news_csv/"
AG_NEWS_LABELS = ("World", "Sports", "Business", "Sci/Tech")


def parse_ag_news(paths: dict[str, Path], splits: Sequence[str]) -> Parsed:
    """Rows `"class","title","description"`; title and description are joined.

    The files mark line breaks with a backslash (the readme says backslash-n, but the data holds
    `second\\team`, `\\network`): every run of backslashes becomes a space.
    """
    out = {}
    for split in splits:
        raw = read_delimited(paths[split], text_column=[1, 2], label_column=0, header=False)
        raw.texts = [re.sub(r"\\+", " ", text) for text in raw.texts]
        raw.labels = [label_by_number(raw, i, AG_NEWS_LABELS, first=1) for i in range(len(raw))]
        out[split] = raw
    return out, None


AG_NEWS = BuiltinDataset(
    name="ag_news",
    title="AG's News Topic Classification",
    citation="Zhang, Zhao and LeCun 2015, Character-level Convolutional Networks for Text "
    "Classification, NeurIPS.",
    licence="Non-commercial research use (AG's corpus of news articles).",
    homepage="http://groups.di.unipi.it/~gulli/AG_corpus_of_news_articles.html",
    label_names=AG_NEWS_LABELS,
    files={
        "train": DataFile(
            "ag_news/train.csv",
            Source(
                AG_NEWS_URL + "train.csv",
                md5="b1a00f826fdfbd249f79597b59e1dc12",
                sha256="76a0a2d2f92b286371fe4d4044640910a04a803fdd2538e0f3f29a5c6f6b672e",
                size=29470338,
            ),
            sha256="76a0a2d2f92b286371fe4d4044640910a04a803fdd2538e0f3f29a5c6f6b672e",
        ),
        "test": DataFile(
            "ag_news/test.csv",
            Source(AG_NEWS_URL + "test.csv", md5="d52ea96a97a2d943681189a97654912d"),
            sha256="521465c2428ed7f02f8d6db6ffdd4b5447c1c701962353eb2c40d548c3c85699",
        ),
    },
    split_files={"train": ("train",), "test": ("test",)},
    parse=parse_ag_news,
    counts={"train": (30000,) * 4, "test": (1900,) * 4},
    notes="The offline mirror holds only the test split.",
)

# ------------------------------------------------------------------------ UCI labelled sentences

UCI_URL = (
    "https://archive.ics.uci.edu/ml/machine-learning-databases/00331/"
    "sentiment%20labelled%20sentences.zip"
)
UCI_SOURCES = ("amazon", "imdb", "yelp")
UCI_FILES = {
    "amazon": (
        "amazon_cells_labelled.txt",
        "47003fc0a0d4840b00e96e715b6189bad09e7443a3da41c4cbe12ffc79f86ae3",
    ),
    "imdb": (
        "imdb_labelled.txt",
        "aef2e49e3da25714d61175e3a6e68eeef74a20a2f914318dc3be9947ea86512d",
    ),
    "yelp": (
        "yelp_labelled.txt",
        "c76468b7b5c6e56a0804d728345c5f84aa2142ddb214420f61cc9cfd4c00d2ea",
    ),
}


def parse_uci(
    paths: dict[str, Path], splits: Sequence[str], sources: Sequence[str] = UCI_SOURCES
) -> Parsed:
    """`sentence<TAB>0|1` lines, split on the last tab (imdb_labelled.txt has stray quotes)."""
    raw = RawExamples()
    for source in _check_sources(sources):
        part = read_text_tab_label(paths[source])
        part.labels = [
            label_by_number(part, i, ("negative", "positive"), first=0) for i in range(len(part))
        ]
        raw.extend(part)
    return {"train": raw}, None


def _check_sources(sources: Sequence[str]) -> list[str]:
    sources = [sources] if isinstance(sources, str) else list(sources)
    for source in sources:
        if source not in UCI_SOURCES:
            raise NotFoundError("UCI source", source, UCI_SOURCES)
    if not sources:
        raise ValueError(f"choose at least one UCI source of {UCI_SOURCES}")
    return sources


UCI_SENTENCES = BuiltinDataset(
    name="uci_sentences",
    title="Sentiment Labelled Sentences (Amazon, IMDb, Yelp)",
    citation="Kotzias et al. 2015, From Group to Individual Labels using Deep Features, KDD.",
    licence="UCI Machine Learning Repository; cite the paper.",
    homepage="https://archive.ics.uci.edu/dataset/331/sentiment+labelled+sentences",
    label_names=("negative", "positive"),
    files={
        source: DataFile(
            f"uci_sentiment/{name}",
            Source(UCI_URL, member=f"sentiment labelled sentences/{name}"),
            sha256=sha,
        )
        for source, (name, sha) in UCI_FILES.items()
    },
    split_files={"train": UCI_SOURCES},
    parse=parse_uci,
    counts={"train": (1500, 1500)},
    select_files=lambda sources=UCI_SOURCES: _check_sources(sources),
    file_counts={source: (500, 500) for source in UCI_SOURCES},
    notes="No official split (use k-fold or a seeded test split); sources=('amazon', 'imdb', "
    "'yelp') picks the sources.",
    options={"sources": UCI_SOURCES},
)

DATASETS: dict[str, BuiltinDataset] = {
    d.name: d for d in (IMDB, AG_NEWS, UCI_SENTENCES, MR, SUBJ, CR, MPQA, GOEMOTIONS)
}


def get(name: str) -> BuiltinDataset:
    if name not in DATASETS:
        raise NotFoundError("dataset", name, DATASETS, hint="Or pass a path to your own data.")
    return DATASETS[name]

"""Word vectors trained on your own text: skip-gram with negative sampling (word2vec), run by
gensim's C code on textnn's tokens, written as a word2vec text file that `embeddings` (or
`--embeddings PATH`) reads like any other vector file.

Why: general-purpose vectors can miss a domain. On MR's movie-review sentences, GloVe 6B 50d
barely beats random vectors, while 100-d skip-gram vectors trained on IMDb's 75,000 train and
unlabelled reviews (about three minutes with one worker) add 2.6 points (docs/benchmarks.md).

Train only on text you may learn from: a training split and unlabelled text, never a test split.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from textnn.data import load_dataset
from textnn.data.registry import DATASETS
from textnn.errors import DataError
from textnn.text.tokenize import Tokenizer
from textnn.vectors.pretrained import Vectors


@dataclass(frozen=True)
class SkipgramConfig:
    """word2vec's settings, named as gensim and fastText name them. `dim`: vector width;
    `window`: the widest context on each side (each step samples a width up to it); `min_count`:
    words seen fewer times get no vector; `negative`: noise words per pair; `sample`: frequent
    words are dropped with this threshold; `workers`: threads (0: every core). With more than
    one worker the threads race, so two runs differ slightly; `workers=1` repeats exactly."""

    dim: int = 100
    window: int = 5
    min_count: int = 5
    negative: int = 5
    epochs: int = 5
    sample: float = 1e-4
    learning_rate: float = 0.025
    seed: int = 0
    workers: int = 0

    def __post_init__(self) -> None:
        for name in ("dim", "window", "min_count", "epochs"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.negative < 1:
            raise ValueError(f"negative must be at least 1, got {self.negative}")
        if self.workers < 0:
            raise ValueError(f"workers must be 0 (every core) or more, got {self.workers}")
        if not self.learning_rate > 0:
            raise ValueError(f"learning_rate must be positive, got {self.learning_rate}")


def threads(config: SkipgramConfig) -> int:
    """The worker threads `config` asks for (0: one per core)."""
    return config.workers or os.cpu_count() or 1


def texts_to_learn_from(
    data: str | None = None, unlabeled: bool = False, files: Sequence[str | Path] = ()
) -> tuple[list[str], dict]:
    """The texts to train vectors on, and where they came from: `data`'s training split (a
    built-in name or your data, as `textnn train --data` takes it; never its test split), its
    unlabelled texts with `unlabeled` (IMDb's 50,000 `unsup` reviews), and each of `files`, one
    text a line (UTF-8)."""
    if data is None and not files:
        raise ValueError("give a dataset, text files, or both")
    texts: list[str] = []
    about: dict = {"data": data, "unlabeled": unlabeled, "files": [str(f) for f in files]}
    if unlabeled and (data not in DATASETS or "unlabeled" not in DATASETS[data].options):
        with_unlabeled = [name for name, spec in DATASETS.items() if "unlabeled" in spec.options]
        raise ValueError(
            f"only {', '.join(with_unlabeled)} come with unlabelled texts, not {data}: "
            "give yours as text files, one a line"
        )
    if data is not None:
        dataset = load_dataset(data, unlabeled=True) if unlabeled else load_dataset(data)
        texts += dataset.train.texts
        texts += dataset.unlabeled or []
    for file in files:
        texts += _lines(Path(file))
    about["texts"] = len(texts)
    return texts, about


def _lines(path: Path) -> list[str]:
    if not path.is_file():
        raise DataError("no such text file", path=path)
    with open(path, "rb") as f:
        raw = f.read().split(b"\n")
    lines = []
    for number, line in enumerate(raw, start=1):
        try:
            lines.append(line.decode("utf-8").rstrip("\r"))
        except UnicodeDecodeError as err:
            raise DataError(f"not UTF-8 ({err.reason})", path=path, line=number) from None
    return [line for line in lines if line.strip()]


def train_skipgram(
    texts: Sequence[str], tokenizer: Tokenizer, config: SkipgramConfig = SkipgramConfig()
) -> Vectors:
    """Vectors for every word `tokenizer` makes of `texts` at least `min_count` times, most
    frequent first."""
    from gensim.models import Word2Vec  # imported here: only this verb needs gensim

    sentences = [tokens for tokens in tokenizer.tokenize_batch(texts) if tokens]
    if not sentences:
        raise ValueError("no tokens to learn from: every text is empty")
    model = Word2Vec(
        vector_size=config.dim,
        window=config.window,
        min_count=config.min_count,
        sg=1,
        negative=config.negative,
        sample=config.sample,
        alpha=config.learning_rate,
        epochs=config.epochs,
        seed=config.seed,
        workers=threads(config),
    )
    model.build_vocab(sentences)
    words = list(model.wv.index_to_key)
    if not words:
        raise ValueError(
            f"no word occurs {config.min_count} times or more: lower min_count or give more text"
        )
    model.train(sentences, total_examples=len(sentences), epochs=config.epochs)
    matrix = np.asarray(model.wv.vectors, dtype=np.float32)
    return Vectors(words, matrix, name="skip-gram", source=f"{len(sentences):,} texts")


def write_vectors(vectors: Vectors, path: str | Path) -> Path:
    """Write `vectors` as word2vec text (a `count dim` header, then `word v1 ... vd` a line),
    through a temporary file so a reader never sees half of it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".partial")
    with open(temporary, "w", encoding="utf-8") as out:
        out.write(f"{len(vectors)} {vectors.dim}\n")
        for word, row in zip(vectors.words, vectors.matrix, strict=True):
            out.write(word + " " + " ".join(f"{x:.6g}" for x in row) + "\n")
    os.replace(temporary, path)
    return path


def train_and_write(
    texts: Sequence[str],
    tokenizer: Tokenizer,
    config: SkipgramConfig,
    out: str | Path,
    about: dict | None = None,
) -> dict:
    """Train, write the vectors to `out` and a record of how beside it (`out` + `.json`: the
    settings, the tokenizer, `about` the text, counts and seconds); returns that record."""
    started = time.perf_counter()
    vectors = train_skipgram(texts, tokenizer, config)
    seconds = time.perf_counter() - started
    path = write_vectors(vectors, out)
    record = {
        "skipgram": asdict(config),
        "threads": threads(config),
        "tokenizer": tokenizer.to_config(),
        "texts": len(texts),
        "words": len(vectors),
        "train_seconds": round(seconds, 1),
        **(about or {}),
    }
    Path(str(path) + ".json").write_text(json.dumps(record, indent=2) + "\n")
    return record

"""Skip-gram vectors trained on the search's own text, one of the word vectors autotune tries.

General-purpose vectors can miss a domain (GloVe's Wikipedia and news against product reviews
or support tickets); vectors learnt from the data itself know its words. They are trained once
per search, on the training part only (never the validation or test texts) plus the unlabelled
texts the user gives (`data.unlabeled`, or a dataset's own), with one worker so that the same
command gives the same vectors, and cached under TEXTNN_HOME by their text and settings: a
resumed search, a refit and a later `textnn finetune` find the same file, which the trials'
configs name as their `embeddings`.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from textnn.locations import home
from textnn.text.tokenize import Tokenizer
from textnn.vectors.skipgram import SkipgramConfig, train_and_write

NAME = "skipgram"  # the search's name for them (its `vectors` choice)


def skipgram_settings(tokens: int, seed: int) -> SkipgramConfig:
    """word2vec's settings for a corpus of `tokens` tokens: more passes over a small corpus
    (about 2 million tokens' worth, between 5 and 20), and words seen twice get a vector (a
    small corpus has few words seen five times)."""
    epochs = int(min(20, max(5, round(2_000_000 / max(tokens, 1)))))
    return SkipgramConfig(dim=100, min_count=2, epochs=epochs, seed=seed, workers=1)


def own_vectors(texts: Sequence[str], seed: int, echo: Callable[[str], None]) -> str:
    """The path of skip-gram vectors trained on `texts` ("words" tokens, as the trials that use
    them tokenize), trained now or found in the cache."""
    tokenizer = Tokenizer("words")
    tokens = sum(len(t) for t in tokenizer.tokenize_batch(texts))
    settings = skipgram_settings(tokens, seed)
    digest = hashlib.sha256()
    digest.update(repr((settings, tokenizer.to_config())).encode())
    for text in texts:
        digest.update(text.encode("utf-8", "surrogatepass") + b"\0")
    path = home() / "vectors" / f"skipgram-{digest.hexdigest()[:20]}.vec"
    if path.is_file():
        echo(f"skip-gram vectors: {path} (cached)")
        return str(path)
    record = train_and_write(texts, tokenizer, settings, path, {"texts": len(texts)})
    echo(
        f"skip-gram vectors: {record['words']:,} words from {len(texts):,} texts "
        f"({tokens:,} tokens, {settings.epochs} epochs) in {record['train_seconds']:.1f} s"
    )
    return str(Path(path))


class LazyVectors:
    """Trains the search's own vectors the first time a trial asks for them."""

    def __init__(self, texts: Sequence[str], seed: int, echo: Callable[[str], None]):
        self.texts, self.seed, self.echo = texts, seed, echo
        self.path: str | None = None
        self.lock = threading.Lock()  # trials in several threads (autotune's workers)

    def __call__(self) -> str:
        with self.lock:
            if self.path is None:
                self.path = own_vectors(self.texts, self.seed, self.echo)
            return self.path

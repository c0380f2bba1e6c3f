"""`Vocab`: tokens <-> ids, built from the training split only, saved as JSON."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from textnn.errors import DataError
from textnn.jsonfile import read_document
from textnn.text.ragged import Ragged
from textnn.text.tokenize import UNK, Tokenizer

PAD = "<pad>"
FORMAT = "textnn.vocab"


class Vocab:
    """Token ids with `<pad>` = 0 and `<unk>` = 1; other tokens by falling frequency.

    Build it from the TRAINING texts only (never the test split): words seen only in test text
    must stay unknown, or evaluation leaks information about the test set.
    """

    pad_id = 0
    unk_id = 1
    specials = (PAD, UNK)

    def __init__(self, tokens: Sequence[str], freqs: Sequence[int] | None = None) -> None:
        """`tokens` in id order, starting with `<pad>`, `<unk>`; `freqs` their training counts."""
        tokens = list(tokens)
        if tokens[:2] != list(self.specials):
            raise ValueError(f"a vocabulary starts with {self.specials}, got {tokens[:2]}")
        self.itos = tokens
        self.stoi = {t: i for i, t in enumerate(tokens)}
        if len(self.stoi) != len(tokens):
            duplicates = sorted({t for t in tokens if tokens.count(t) > 1})[:5]
            raise ValueError(f"duplicate tokens in vocabulary: {duplicates}")
        freqs = [0] * len(tokens) if freqs is None else list(map(int, freqs))
        if len(freqs) != len(tokens):
            raise ValueError(f"{len(tokens)} tokens but {len(freqs)} frequencies")
        self.freqs = freqs

    @classmethod
    def from_counts(
        cls,
        tokens: Sequence[str],
        counts: Sequence[int] | np.ndarray,
        *,
        min_freq: int = 1,
        max_size: int | None = None,
    ) -> Vocab:
        """Keep tokens seen at least `min_freq` times, most frequent first (ties by token, so the
        result is the same on every run), at most `max_size` entries counting the two specials."""
        if min_freq < 1:
            raise ValueError(f"min_freq must be at least 1, got {min_freq}")
        if max_size is not None and max_size < len(cls.specials):
            raise ValueError(f"max_size must be at least {len(cls.specials)} (<pad> and <unk>)")
        tokens = list(tokens)
        counts = np.asarray(counts, dtype=np.int64)
        if len(tokens) != len(counts):
            raise ValueError(f"{len(tokens)} tokens but {len(counts)} counts")
        # Order: count descending, then token (by code point) ascending; vectorised because an
        # IMDb vocabulary has ~250k candidates and a Python sort key costs a second.
        by_token = np.empty(len(tokens), dtype=np.int64)
        by_token[sorted(range(len(tokens)), key=tokens.__getitem__)] = np.arange(len(tokens))
        keep = counts >= min_freq
        for special in cls.specials:  # a literal "<unk>" in the text must not take a second id
            keep[_positions(tokens, special)] = False
        candidates = np.flatnonzero(keep)
        order = candidates[np.lexsort((by_token[candidates], -counts[candidates]))]
        if max_size is not None:
            order = order[: max_size - len(cls.specials)]
        return cls([*cls.specials, *(tokens[i] for i in order)], [0, 0, *counts[order].tolist()])

    @classmethod
    def build(
        cls,
        texts: list[str],
        tokenizer: Tokenizer,
        *,
        min_freq: int = 1,
        max_size: int | None = None,
    ) -> Vocab:
        """Count the tokens of `texts` (the training split) and keep the frequent ones."""
        return build_and_encode(texts, tokenizer, min_freq=min_freq, max_size=max_size)[0]

    def extended(
        self,
        texts: list[str],
        tokenizer: Tokenizer,
        *,
        min_freq: int = 1,
        max_size: int | None = None,
    ) -> Vocab:
        """This vocabulary with the frequent tokens of `texts` (a new training split) that it
        lacks appended, most frequent first; existing ids keep their meaning. `max_size` caps
        the total, counting what is already here."""
        return extend_and_encode(self, texts, tokenizer, min_freq=min_freq, max_size=max_size)[0]

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, token: str) -> bool:
        return token in self.stoi

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Vocab) and self.itos == other.itos and self.freqs == other.freqs

    def __repr__(self) -> str:
        return f"Vocab(size={len(self)}, most frequent={self.itos[2:7]})"

    def encode(self, tokens: Iterable[str]) -> list[int]:
        """Ids of tokens; unknown tokens get `unk_id`."""
        return [self.stoi.get(t, self.unk_id) for t in tokens]

    def decode(self, ids: Iterable[int], *, skip_pad: bool = True) -> list[str]:
        """Tokens of ids (padding left out unless `skip_pad=False`)."""
        out = []
        for i in ids:
            i = int(i)
            if not 0 <= i < len(self.itos):
                raise IndexError(f"id {i} is outside the vocabulary (size {len(self)})")
            if i != self.pad_id or not skip_pad:
                out.append(self.itos[i])
        return out

    def to_dict(self) -> dict:
        return {"format": FORMAT, "version": 1, "tokens": self.itos, "freqs": self.freqs}

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Vocab:
        path = Path(path)
        data = read_document(path, FORMAT, "vocabulary")
        try:
            return cls(data["tokens"], data.get("freqs"))
        except (KeyError, ValueError, TypeError) as err:
            raise DataError(f"damaged vocabulary ({err})", path=path) from None


def build_and_encode(
    texts: list[str],
    tokenizer: Tokenizer,
    *,
    min_freq: int = 1,
    max_size: int | None = None,
) -> tuple[Vocab, Ragged]:
    """Build the vocabulary of the training texts and encode them, tokenizing only once."""
    tokens, counts, provisional = tokenizer.index(texts)
    vocab = Vocab.from_counts(tokens, counts, min_freq=min_freq, max_size=max_size)
    return vocab, _encoded(vocab, tokens, provisional)


def extend_and_encode(
    vocab: Vocab,
    texts: list[str],
    tokenizer: Tokenizer,
    *,
    min_freq: int = 1,
    max_size: int | None = None,
) -> tuple[Vocab, Ragged]:
    """`vocab.extended(texts, ...)` and the texts encoded with it, tokenizing only once."""
    tokens, counts, provisional = tokenizer.index(texts)
    new = [i for i, token in enumerate(tokens) if token not in vocab.stoi]
    room = None if max_size is None else max(0, max_size - len(vocab)) + len(Vocab.specials)
    new_tokens = [tokens[i] for i in new]
    added = Vocab.from_counts(new_tokens, counts[new], min_freq=min_freq, max_size=room)
    grown = Vocab(vocab.itos + added.itos[2:], vocab.freqs + added.freqs[2:])
    return grown, _encoded(grown, tokens, provisional)


def _encoded(vocab: Vocab, tokens: list[str], provisional: Ragged) -> Ragged:
    """Texts indexed by first appearance (`Tokenizer.index`) re-encoded as `vocab` ids, with one
    lookup table."""
    remap = np.fromiter(
        map(vocab.stoi.get, tokens, itertools.repeat(vocab.unk_id)),
        dtype=np.int32,
        count=len(tokens),
    )
    return Ragged(remap[provisional.ids], provisional.offsets)


def _positions(items: list[str], value: str) -> list[int]:
    """Indices of `value` in `items` (list.index runs in C; a generator over 250k tokens won't)."""
    found, start = [], 0
    while True:
        try:
            start = items.index(value, start)
        except ValueError:
            return found
        found.append(start)
        start += 1

"""Named tokenizers: text -> tokens, and a corpus -> ids in one pass.

- `whitespace`: lowercase, split on whitespace (d2l's IMDb tokenizer).
- `normalize`: lowercase, replace Unicode punctuation and symbols (categories P* and S*) with
  spaces, split on whitespace.
- `words`: lowercase, drop HTML line breaks (`<br />`, common in IMDb), then words (with inner
  apostrophes: `don't`) and each other non-space character as its own token (Keras / fastText
  style preprocessing).
- `glove`: as `words`, but English clitics split off as the Stanford/PTB tokenizer behind GloVe
  does (`don't` -> `do n't`, `it's` -> `it 's`, `i'm` -> `i 'm`), so contractions, negations
  above all, find their pretrained vectors.

The hot path is Python's C-level `str.lower`/`str.split` and compiled `re`: on this project's
2-core machine that tokenizes, counts and encodes IMDb's training split several times faster than
Hugging Face `tokenizers`' `encode_batch` (whose per-token alignment bookkeeping dominates for
word-level vocabularies; see benchmarks/bench_foundation.py). `to_hf` builds the same pipeline in
`tokenizers` for export (`tokenizer.json`) and serves as the reference in the tests.
"""

from __future__ import annotations

import functools
import itertools
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Protocol

import numpy as np

from textnn.errors import NotFoundError
from textnn.text.ragged import Ragged

TOKENIZERS = ("whitespace", "normalize", "words", "glove")
UNK = "<unk>"  # textnn.text.vocab.Vocab reserves the same token
BR_TAG = r"<br\s*/?>"
WORD_OR_MARK = r"\w+(?:['’]\w+)*|[^\w\s]"
# A word stem before n't, n't itself, a clitic ('s 're 've 'll 'd 'm), a word, or a mark.
PTB_WORD = r"\w+(?=n['’]t\b)|n['’]t\b|['’](?:s|re|ve|ll|d|m)\b|\w+|[^\w\s]"
# The same tokens, faster in Python's `re` (IMDb: ~12% off the tokenizing): a whole word not
# followed by an apostrophe, taken at once (possessive, no backtracking), is what PTB_WORD
# yields for it after trying its n't look-ahead at every position of the word.
PTB_WORD_FAST = r"\w++(?!['’])|" + PTB_WORD


class VocabLike(Protocol):
    stoi: dict[str, int]
    unk_id: int


@functools.cache
def _punctuation_or_symbol_table() -> dict[int, str]:
    """`str.translate` table: every code point in Unicode categories P* and S* -> a space.

    Python's `re` has no \\p{...}; a table built once from `unicodedata` is also ~3.5x faster
    on IMDb than `re.sub` with the equivalent character class."""
    return {cp: " " for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp))[0] in "PS"}


@dataclass(frozen=True)
class TokenizerConfig:
    name: str = "words"
    lowercase: bool = True


class Tokenizer:
    """Splits texts into tokens, and encodes a corpus as ids with or without a vocabulary."""

    def __init__(self, name: str = "words", lowercase: bool = True) -> None:
        if name not in TOKENIZERS:
            raise NotFoundError("tokenizer", name, TOKENIZERS)
        self.config = TokenizerConfig(name, lowercase)
        if name == "whitespace":
            self._split = str.split
        elif name == "normalize":
            table = _punctuation_or_symbol_table()
            self._split = lambda text: text.translate(table).split()
        else:
            pattern = WORD_OR_MARK if name == "words" else PTB_WORD_FAST
            br, words = re.compile(BR_TAG, re.IGNORECASE), re.compile(pattern)
            self._split = lambda text: words.findall(br.sub(" ", text))

    @classmethod
    def from_config(cls, config: dict | TokenizerConfig) -> Tokenizer:
        return cls(**(asdict(config) if isinstance(config, TokenizerConfig) else config))

    def to_config(self) -> dict:
        return asdict(self.config)

    def __repr__(self) -> str:
        return f"Tokenizer(name={self.config.name!r}, lowercase={self.config.lowercase})"

    def tokenize(self, text: str) -> list[str]:
        """One text's tokens."""
        if not isinstance(text, str):
            raise TypeError(f"expected a string, got {type(text).__name__}")
        return self._split(text.lower() if self.config.lowercase else text)

    def tokenize_batch(self, texts: Sequence[str]) -> list[list[str]]:
        if isinstance(texts, str):
            raise TypeError("expected a list of texts, got a single string")
        return [self.tokenize(t) for t in texts]

    def index(self, texts: Sequence[str]) -> tuple[list[str], np.ndarray, Ragged]:
        """Encode a corpus without a vocabulary: (distinct tokens in order of first appearance,
        <int64>[n] their counts, ids into that list). Tokenizes once."""
        lengths, flat = self._flatten(texts)
        ids: defaultdict[str, int] = defaultdict()
        ids.default_factory = ids.__len__  # a new token gets the next id, all in C
        flat_ids = np.fromiter(map(ids.__getitem__, flat), dtype=np.int32, count=len(flat))
        counts = np.bincount(flat_ids, minlength=len(ids)).astype(np.int64)
        return list(ids), counts, Ragged.from_lengths(flat_ids, lengths)

    def encode(self, texts: Sequence[str], vocab: VocabLike) -> Ragged:
        """Ids of every text's tokens in `vocab` (unknown tokens map to `vocab.unk_id`)."""
        lengths, flat = self._flatten(texts)
        ids = map(vocab.stoi.get, flat, itertools.repeat(vocab.unk_id))
        return Ragged.from_lengths(np.fromiter(ids, dtype=np.int32, count=len(flat)), lengths)

    def _flatten(self, texts: Sequence[str]) -> tuple[np.ndarray, list[str]]:
        """(<int64>[n] token counts per text, every token of every text in one list)."""
        token_lists = self.tokenize_batch(texts)
        lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
        return lengths, list(itertools.chain.from_iterable(token_lists))

    def to_hf(self, vocab: VocabLike | None = None):
        """The same pipeline as a Hugging Face `tokenizers.Tokenizer` (WordLevel over `vocab`),
        for export as tokenizer.json. It agrees with `tokenize` on ordinary text; on rare
        characters the two engines' Unicode tables may differ (e.g. combining marks in `words`)."""
        from tokenizers import Regex, normalizers, pre_tokenizers
        from tokenizers import Tokenizer as HFTokenizer
        from tokenizers.models import WordLevel

        hf = HFTokenizer(WordLevel(dict(vocab.stoi) if vocab else {UNK: 0}, unk_token=UNK))
        steps = []
        if self.config.name in ("words", "glove"):
            steps.append(normalizers.Replace(Regex(f"(?i){BR_TAG}"), " "))
        if self.config.lowercase:
            steps.append(normalizers.Lowercase())
        if self.config.name == "normalize":
            steps.append(normalizers.Replace(Regex(r"[\p{P}\p{S}]"), " "))
        hf.normalizer = normalizers.Sequence(steps)
        if self.config.name in ("words", "glove"):
            pattern = WORD_OR_MARK if self.config.name == "words" else PTB_WORD
            hf.pre_tokenizer = pre_tokenizers.Sequence(
                [
                    pre_tokenizers.Split(Regex(pattern), behavior="isolated"),
                    pre_tokenizers.WhitespaceSplit(),
                ]
            )
        else:
            hf.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
        return hf


def hf_tokenize(hf, text: str) -> list[str]:
    """Tokens of one text through a `to_hf` pipeline (for cross-checks)."""
    return [t for t, _ in hf.pre_tokenizer.pre_tokenize_str(hf.normalizer.normalize_str(text))]


__all__ = ["TOKENIZERS", "Tokenizer", "TokenizerConfig", "hf_tokenize"]

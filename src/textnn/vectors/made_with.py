"""Which tokenizer a set of word vectors was made with, where that is known.

A text's tokens must be the vectors' tokens for the vectors to be found: GloVe's are lower-cased
with its punctuation rules (our "glove" tokenizer), and vectors from `textnn vectors` were
trained on the tokens of the tokenizer its record names (the `FILE.json` written beside them,
vectors/skipgram.py). Plain `train`'s partners take it where the user left the tokenizer at
its default; autotune's network trials always (the search sets each trial's tokenizer).
"""

from __future__ import annotations

import json
from pathlib import Path

from textnn.text.tokenize import TOKENIZERS
from textnn.vectors.pretrained import BUILTIN


def made_with(embeddings: str | None) -> str | None:
    """The tokenizer name that `embeddings` (a built-in name or a path) was made with: "glove"
    for the built-in GloVe vectors, a `textnn vectors` file's recorded tokenizer, or None
    (unknown: another file, no vectors, a record that cannot be read)."""
    if not embeddings or embeddings.lower() == "none":
        return None
    if embeddings in BUILTIN:
        return "glove"
    record = Path(embeddings + ".json")
    try:
        name = json.loads(record.read_text())["tokenizer"]["name"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return name if name in TOKENIZERS else None

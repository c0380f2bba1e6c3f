"""Texts -> sentences, each labelled as the text it came from: short-text training examples
from long labelled documents (a sentence-level source model for transfer to sentence data)."""

from __future__ import annotations

import re

import numpy as np

from textnn.data.dataset import Examples

# A sentence ends at ., ! or ? followed by white space; HTML line breaks (IMDb's "<br />") end
# one too. Abbreviations ("Mr. Smith") split wrongly: a cheap rule, not a parser.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|<br\s*/?>")
MIN_WORDS = 3  # "Wow!" carries its review's label too weakly to keep


def split_sentences(examples: Examples, min_words: int = MIN_WORDS) -> tuple[Examples, int]:
    """(each text's sentences of at least `min_words` space-separated words, labelled as their
    text, in order; how many shorter sentences were left out)."""
    texts: list[str] = []
    labels: list[int] = []
    short = 0
    for text, label in zip(examples.texts, examples.labels.tolist(), strict=True):
        for sentence in SENTENCE_END.split(text):
            sentence = sentence.strip()
            if len(sentence.split()) >= min_words:
                texts.append(sentence)
                labels.append(label)
            elif sentence:
                short += 1
    return Examples(texts, np.asarray(labels, dtype=examples.labels.dtype)), short

"""Text -> ids: tokenizers, vocabularies, padded and bucketed batches."""

from textnn.text.batching import Batch, BucketedBatches, pad
from textnn.text.ragged import Ragged
from textnn.text.tokenize import TOKENIZERS, Tokenizer
from textnn.text.vocab import Vocab, build_and_encode

__all__ = [
    "TOKENIZERS",
    "Batch",
    "BucketedBatches",
    "Ragged",
    "Tokenizer",
    "Vocab",
    "build_and_encode",
    "pad",
]

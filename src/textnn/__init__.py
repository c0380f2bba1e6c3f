"""textnn: neural text classifiers on word embeddings, with JAX + Flax NNX + Optax.

The public face: datasets, tokenizers, vocabularies and pretrained vectors (more as they land).
"""

from textnn.data import load_dataset
from textnn.embeddings import embedding_matrix, load_vectors
from textnn.errors import DataError, TextnnError
from textnn.text import Tokenizer, Vocab

__version__ = "0.1.0"

__all__ = [
    "DataError",
    "TextnnError",
    "Tokenizer",
    "Vocab",
    "__version__",
    "embedding_matrix",
    "load_dataset",
    "load_vectors",
]

"""textnn: neural text classifiers on word embeddings, with JAX + Flax NNX + Optax.

The public face: datasets, tokenizers, vocabularies, pretrained vectors, and `load(run_dir)`
for a trained run's Predictor (texts -> probabilities for every class).
"""

from textnn.data import load_dataset
from textnn.errors import DataError, TextnnError
from textnn.text import Tokenizer, Vocab
from textnn.vectors import embedding_matrix, load_vectors

__version__ = "0.1.0"


def __getattr__(name: str):
    # JAX and Flax load only when a model is needed, so data-only use stays quick to import.
    if name == "load":
        from textnn.runs.directory import load

        return load
    if name == "TextClassifier":
        from textnn.estimator import TextClassifier

        return TextClassifier
    raise AttributeError(f"module 'textnn' has no attribute {name!r}")


__all__ = [
    "DataError",
    "TextClassifier",
    "TextnnError",
    "Tokenizer",
    "Vocab",
    "__version__",
    "embedding_matrix",
    "load",
    "load_dataset",
    "load_vectors",
]

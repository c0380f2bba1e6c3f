"""Word vectors: pretrained files and caches, the embedding matrix of a vocabulary with its
coverage, and skip-gram vectors trained on your own text (`textnn vectors`)."""

from textnn.vectors.pretrained import Coverage, Vectors, embedding_matrix, load_vectors

__all__ = ["Coverage", "Vectors", "embedding_matrix", "load_vectors"]

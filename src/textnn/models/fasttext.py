"""`fasttext`: the mean of word and hashed word-bigram embeddings -> linear (Joulin et al. 2016,
"Bag of Tricks for Efficient Text Classification")."""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from textnn.models.config import ModelConfig
from textnn.models.embedder import Embedder
from textnn.models.masking import sequence_mask
from textnn.models.quantize import lookup

BIGRAM_HASH = 116_049_371  # fastText's multiplier for hashing word n-grams


@dataclass
class FastTextConfig(ModelConfig):
    """`bigram_buckets`: size of the hashed word n-gram table (0 turns n-grams off);
    `word_ngrams`: the longest n-gram hashed into it (2: bigrams, as fastText's `-wordNgrams 2`;
    3 adds trigrams to the same table)."""

    embed_dim: int = 100
    bigram_buckets: int = 2**19
    word_ngrams: int = 2

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.word_ngrams < 1:
            raise ValueError(f"word_ngrams must be at least 1, got {self.word_ngrams}")


def ngram_ids(ids: jax.Array, n: int, buckets: int) -> jax.Array:
    """<int32>[B, T-n+1]: bucket of the n-gram (ids[t], ..., ids[t+n-1]), hashed as fastText
    hashes word n-grams (h = h * 116049371 + id, here in 32-bit arithmetic)."""
    t = ids.shape[1] - n + 1
    h = ids[:, :t].astype(jnp.uint32)
    for k in range(1, n):
        h = h * jnp.uint32(BIGRAM_HASH) + ids[:, k : k + t].astype(jnp.uint32)
    return (h % jnp.uint32(buckets)).astype(jnp.int32)


class FastText(nnx.Module):
    LOOKUP_TABLES = ("bigrams",)  # quantized for prediction with the word table

    def __init__(
        self, config: FastTextConfig, pretrained: np.ndarray | None = None, *, rngs: nnx.Rngs
    ):
        self.config = config
        self.embed = Embedder(config, pretrained, rngs=rngs)
        dim = self.embed.features
        if config.bigram_buckets:
            # fastText initialises its input vectors uniformly in +-1/dim.
            init = nnx.initializers.uniform(2.0 / dim)
            self.bigrams = nnx.Param(init(rngs.params(), (config.bigram_buckets, dim)) - 1.0 / dim)
        else:
            self.bigrams = None
        self.out = nnx.Linear(dim, config.num_classes, rngs=rngs)

    def __call__(self, ids: jax.Array, lengths: jax.Array) -> jax.Array:
        """ids <int32>[B, T], lengths <int32>[B] -> logits <float32>[B, classes]."""
        mask = sequence_mask(lengths, ids.shape[1])
        total = self.embed(ids, mask).sum(axis=1)
        count = mask.sum(axis=1)
        if self.bigrams is not None:
            for n in range(2, min(self.config.word_ngrams, ids.shape[1]) + 1):
                valid = mask[:, n - 1 :]  # all n words real
                vectors = lookup(self.bigrams, ngram_ids(ids, n, self.config.bigram_buckets))
                total = total + (vectors * valid[..., None]).sum(axis=1)
                count = count + valid.sum(axis=1)
        return self.out(total / jnp.maximum(count, 1)[:, None])

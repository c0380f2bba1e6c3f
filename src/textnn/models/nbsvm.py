"""`nbsvm`: a linear model over the *set* of a text's word n-grams, each n-gram's weight scaled by
its naive Bayes log-count ratio (Wang & Manning 2012, "Baselines and Bigrams": NBSVM), trained
by gradient descent on the cross-entropy as a network (as fast.ai's "NBSVM++" does).

The ratios are statistics of the labelled training split, counted once before training
(`fit_ratios`) and then fixed; only the per-n-gram weights and the bias learn. Words are the
vocabulary's ids; longer n-grams (2..`ngrams`) are hashed into `buckets` rows, as fastText
hashes them. Unlike the other models it uses no word vectors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from textnn.models.config import ModelConfig
from textnn.models.embedder import FrozenEmbedding
from textnn.models.fasttext import ngram_ids
from textnn.models.masking import sequence_mask
from textnn.models.quantize import lookup


@dataclass
class NBSVMConfig(ModelConfig):
    """`ngrams`: the longest word n-gram used (1: words only); `buckets`: rows of the hashed
    table for n-grams of 2 words or more; `alpha`: the count smoothing of the naive Bayes
    ratios; `init_weight`: every n-gram's starting weight, so that the untrained model is naive
    Bayes scaled by it."""

    ngrams: int = 3
    buckets: int = 2**22
    alpha: float = 1.0
    init_weight: float = 0.01  # chosen on IMDb's validation split (against 0.002; lr 1e-3, 3e-4)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.ngrams < 1:
            raise ValueError(f"ngrams must be at least 1, got {self.ngrams}")
        if self.ngrams > 1 and self.buckets < 1:
            raise ValueError(f"buckets must be positive when ngrams > 1, got {self.buckets}")
        if self.alpha <= 0:
            raise ValueError(f"alpha must be positive, got {self.alpha}")

    @property
    def num_features(self) -> int:
        return self.vocab_size + (self.buckets if self.ngrams > 1 else 0)


def ngram_set(
    ids: jax.Array, lengths: jax.Array, config: NBSVMConfig
) -> tuple[jax.Array, jax.Array]:
    """The distinct n-grams of each row: ids <int32>[B, T], lengths <int32>[B] ->
    (features <int32>[B, N], present <float32>[B, N]) with N = T + (T-1) + ... over the n-gram
    sizes. `present` is 1 at the first occurrence of each of a row's real n-grams and 0 at
    repeats and padding (whose feature is then 0, a valid row): the model sees a binary bag."""
    mask = sequence_mask(lengths, ids.shape[1])
    parts, valid = [ids], [mask]
    for n in range(2, min(config.ngrams, ids.shape[1]) + 1):
        parts.append(config.vocab_size + ngram_ids(ids, n, config.buckets))
        valid.append(mask[:, n - 1 :])  # all n words real
    features = jnp.where(jnp.concatenate(valid, axis=1), jnp.concatenate(parts, axis=1), -1)
    # Padding (-1) sorts first; a feature is counted where it differs from its left neighbour.
    ordered = jnp.sort(features, axis=1)
    first = jnp.concatenate(
        [ordered[:, :1] >= 0, (ordered[:, 1:] != ordered[:, :-1]) & (ordered[:, 1:] >= 0)], axis=1
    )
    return jnp.maximum(ordered, 0), first.astype(jnp.float32)


class NBSVM(nnx.Module):
    LOOKUP_TABLES = ("weights",)  # once folded (`fold_for_prediction`)

    def __init__(
        self, config: NBSVMConfig, pretrained: np.ndarray | None = None, *, rngs: nnx.Rngs
    ):
        del pretrained, rngs  # no word vectors; the weights start from one constant
        self.config = config
        shape = (config.num_features, config.num_classes)
        self.ratios = FrozenEmbedding(jnp.zeros(shape, jnp.float32))
        self.weights = nnx.Param(jnp.full(shape, config.init_weight, jnp.float32))
        self.bias = nnx.Param(jnp.zeros((config.num_classes,), jnp.float32))

    def __call__(self, ids: jax.Array, lengths: jax.Array) -> jax.Array:
        """ids <int32>[B, T], lengths <int32>[B] -> logits <float32>[B, classes]."""
        features, present = ngram_set(ids, lengths, self.config)
        scaled = lookup(self.weights, features)  # [B, N, classes]
        if self.ratios is not None:
            scaled = self.ratios[...][features] * scaled
        return (scaled * present[..., None]).sum(axis=1) + self.bias[...]

    def fold_for_prediction(self) -> None:
        """Fold the ratios into the weights: one table of their products, half the memory and
        the same logits; no training after this (`textnn quantize` does it)."""
        if self.ratios is not None:
            self.weights = nnx.Param(self.ratios[...] * self.weights[...])
            self.ratios = None


def fit_ratios(model: NBSVM, batches: Iterable) -> str:
    """Count, over labelled `batches` (ids, lengths, labels; rows of length 0 count nothing),
    how many texts of each class hold each n-gram, and set the model's ratios: for class c,
    r = log((a + n_c) / |a + n_c|) - log((a + n_rest) / |a + n_rest|), the log-ratio of the
    smoothed n-gram frequencies in class c and in the other texts (multi-label labels
    <float32>[B, classes]: in the texts with label c and those without). Returns a summary
    line."""
    config = model.config

    @jax.jit
    def count(counts, totals, ids, lengths, labels):
        features, present = ngram_set(ids, lengths, config)
        if labels.ndim == 2:  # multi-label rows <float32>[B, classes]: each of its labels
            counts = counts.at[features].add(present[..., None] * labels[:, None, :])
            return counts, totals.at[features].add(present)
        rows = jnp.broadcast_to(labels[:, None], features.shape)
        return counts.at[features, rows].add(present), totals

    counts = jnp.zeros((config.num_features, config.num_classes), jnp.float32)
    totals = jnp.zeros((config.num_features,), jnp.float32)  # texts, when multi-label
    texts, multilabel = 0, False
    for batch in batches:
        counts, totals = count(counts, totals, batch.ids, batch.lengths, batch.labels)
        texts, multilabel = texts + batch.num_real, batch.labels.ndim == 2
    inside = config.alpha + counts
    # The texts without the class: the other classes' (a multi-label text may be in several).
    every = totals[:, None] if multilabel else counts.sum(axis=1, keepdims=True)
    outside = config.alpha + every - counts
    ratios = jnp.log(inside / inside.sum(axis=0)) - jnp.log(outside / outside.sum(axis=0))
    model.ratios.set_value(ratios)
    seen = int((counts.sum(axis=1) > 0).sum())
    return (
        f"naive Bayes ratios from {texts:,} training texts: {seen:,} of "
        f"{config.num_features:,} n-gram rows seen"
    )

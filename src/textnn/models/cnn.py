"""Convolutional models: `textcnn` (Kim 2014), `conv1d` and `conv1d-stack` (the Flax AG News
tutorial's two approaches), and `cnn-deep` (the PyTorch course's four-layer CNN)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from textnn.models.config import ModelConfig
from textnn.models.convolution import MaskedConv1D, convs_relu_max
from textnn.models.embedder import Embedder
from textnn.models.masking import fit_length, masked_max, masked_max_pool, sequence_mask


@dataclass
class TextCNNConfig(ModelConfig):
    """Parallel convolutions of each width in `widths` with `channels` filters, ReLU, max over
    real positions, concatenated, dropout, dense. `embedding_dropout` drops whole token vectors
    while training (word dropout), which curbs fine-tuned embeddings from overfitting."""

    widths: tuple[int, ...] = (3, 4, 5)
    channels: int = 100
    dropout: float = 0.5
    embedding_dropout: float = 0.0


class TextCNN(nnx.Module):
    def __init__(
        self, config: TextCNNConfig, pretrained: np.ndarray | None = None, *, rngs: nnx.Rngs
    ):
        self.config = config
        self.embed = Embedder(config, pretrained, rngs=rngs)
        self.convs = nnx.List(
            [
                MaskedConv1D(self.embed.features, config.channels, w, rngs=rngs)
                for w in config.widths
            ]
        )
        self.dropout = nnx.Dropout(config.dropout, rngs=rngs)
        # broadcast over the feature axis: a dropped token loses its whole vector
        self.word_dropout = nnx.Dropout(config.embedding_dropout, broadcast_dims=(2,), rngs=rngs)
        self.out = nnx.Linear(config.channels * len(config.widths), config.num_classes, rngs=rngs)

    def __call__(self, ids: jax.Array, lengths: jax.Array) -> jax.Array:
        """ids <int32>[B, T], lengths <int32>[B] -> logits <float32>[B, classes]."""
        mask = sequence_mask(lengths, ids.shape[1])
        parts = self.embed.parts(ids, mask)
        if self.config.embedding_dropout:
            keep = self.word_dropout(jnp.ones((*ids.shape, 1), jnp.float32))  # [B, T, 1]
            parts = tuple(p * keep for p in parts)
        return self.out(self.dropout(convs_relu_max(self.convs, parts, mask)))

    def for_inference(self, max_bytes: int) -> TabledConvMax | None:
        return TabledConvMax.within(self.embed, self.convs, self.out, max_bytes)


class TabledConvMax(nnx.Module):
    """A trained TextCNN or one-layer Conv1D folded for prediction: the same logits (up to
    float rounding) from ids <int32>[B, T] and lengths <int32>[B], with each convolution over
    the embeddings replaced by per-token table lookups (TabledConv). No dropout: prediction
    only. The output layer is shared with the model, not copied."""

    def __init__(
        self, vectors: jax.Array, convs: list[MaskedConv1D], out: nnx.Linear, int8: bool = False
    ):
        self.convs = nnx.List([conv.tabled(vectors, int8) for conv in convs])
        self.out = out

    @classmethod
    def within(
        cls, embed: Embedder, convs: list[MaskedConv1D], out: nnx.Linear, max_bytes: int
    ) -> TabledConvMax | None:
        """The folded model, or None when its tables would take more than `max_bytes`. A
        quantized model (its embeddings quantized) folds into int8 tables, when the full
        model would fold: so it stays 4x smaller in memory."""
        if sum(conv.table_bytes(embed.vocab_size) for conv in convs) > max_bytes:
            return None
        return cls(embed.vectors(), convs, out, int8=embed.quantized)

    def __call__(self, ids: jax.Array, lengths: jax.Array) -> jax.Array:
        mask = sequence_mask(lengths, ids.shape[1])
        pooled = [masked_max(jax.nn.relu(conv(ids, mask)), mask) for conv in self.convs]
        return self.out(jnp.concatenate(pooled, axis=-1))


@dataclass
class Conv1DConfig(ModelConfig):
    """`layers` Conv1D layers of `channels` filters of width `kernel`, ReLU, with a max-pool of
    `pool` between layers; max over time; dense."""

    embed_dim: int = 128
    channels: int = 32
    kernel: int = 7
    layers: int = 1
    pool: int = 5
    dropout: float = 0.0


class Conv1D(nnx.Module):
    def __init__(
        self, config: Conv1DConfig, pretrained: np.ndarray | None = None, *, rngs: nnx.Rngs
    ):
        self.config = config
        self.embed = Embedder(config, pretrained, rngs=rngs)
        widths = [self.embed.features] + [config.channels] * config.layers
        self.convs = nnx.List(
            [MaskedConv1D(a, b, config.kernel, rngs=rngs) for a, b in itertools.pairwise(widths)]
        )
        self.dropout = nnx.Dropout(config.dropout, rngs=rngs)
        self.out = nnx.Linear(config.channels, config.num_classes, rngs=rngs)

    def __call__(self, ids: jax.Array, lengths: jax.Array) -> jax.Array:
        """ids <int32>[B, T], lengths <int32>[B] -> logits <float32>[B, classes]."""
        mask = sequence_mask(lengths, ids.shape[1])
        if len(self.convs) == 1:
            pooled = convs_relu_max(self.convs, self.embed.parts(ids, mask), mask)
            return self.out(self.dropout(pooled))
        x = self.embed(ids, mask)
        for i, conv in enumerate(self.convs):
            if i:
                x, mask = masked_max_pool(x, mask, self.config.pool)
            x = jnp.where(mask[..., None], jax.nn.relu(conv(x)), 0.0)
        return self.out(self.dropout(masked_max(x, mask)))

    def for_inference(self, max_bytes: int) -> TabledConvMax | None:
        if len(self.convs) != 1:  # a second layer convolves features, not embeddings
            return None
        return TabledConvMax.within(self.embed, self.convs, self.out, max_bytes)


@dataclass
class CNNDeepConfig(ModelConfig):
    """Four Conv1D layers (`channels`, width `kernel`, zero padding 1) each followed by
    dropout, a max-pool of 2 after the 2nd and 4th, flatten over `max_length`, dense `dense`,
    dense classes."""

    max_length: int = 64
    channels: tuple[int, ...] = (32, 32, 64, 64)
    kernel: int = 3
    dropout: tuple[float, ...] = (0.7, 0.6, 0.5, 0.3)
    dense: int = 64

    def __post_init__(self) -> None:
        super().__post_init__()
        if len(self.dropout) != len(self.channels):
            raise ValueError("give one dropout rate per convolution layer")


class CNNDeep(nnx.Module):
    def __init__(
        self, config: CNNDeepConfig, pretrained: np.ndarray | None = None, *, rngs: nnx.Rngs
    ):
        self.config = config
        self.embed = Embedder(config, pretrained, rngs=rngs)
        widths = [self.embed.features, *config.channels]
        self.convs = nnx.List(
            [
                nnx.Conv(a, b, kernel_size=(config.kernel,), padding=((1, 1),), rngs=rngs)
                for a, b in itertools.pairwise(widths)
            ]
        )
        self.dropouts = nnx.List([nnx.Dropout(r, rngs=rngs) for r in config.dropout])
        length = config.max_length
        for i in range(len(config.channels)):
            length = length - config.kernel + 3  # zero padding 1 on each side
            if i % 2 == 1:
                length //= 2
        if length < 1:
            raise ValueError(
                f"max_length={config.max_length} is too short for "
                f"{len(config.channels)} convolution layers"
            )
        self.flat_length = length
        self.hidden = nnx.Linear(length * config.channels[-1], config.dense, rngs=rngs)
        self.out = nnx.Linear(config.dense, config.num_classes, rngs=rngs)

    def __call__(self, ids: jax.Array, lengths: jax.Array) -> jax.Array:
        """ids <int32>[B, T], lengths <int32>[B] -> logits <float32>[B, classes]."""
        ids = fit_length(ids, self.config.max_length)
        x = self.embed(ids, sequence_mask(lengths, self.config.max_length))
        for i, (conv, dropout) in enumerate(zip(self.convs, self.dropouts, strict=True)):
            x = dropout(jax.nn.relu(conv(x)))
            if i % 2 == 1:  # max-pool 2, dropping an odd last step as PyTorch's MaxPool1d does
                b, t, c = x.shape
                x = x[:, : t // 2 * 2].reshape(b, t // 2, 2, c).max(axis=2)
        return self.out(jax.nn.relu(self.hidden(x.reshape(x.shape[0], -1))))

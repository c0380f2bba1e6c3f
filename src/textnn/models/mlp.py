"""`mlp`: embedding -> flatten over a fixed length -> dense hidden layers with dropout -> classes
(the MLP baselines of the Axon notebook and the PyTorch course)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import jax
import numpy as np
from flax import nnx

from textnn.models.config import ModelConfig
from textnn.models.embedder import Embedder
from textnn.models.masking import fit_length, sequence_mask


@dataclass
class MLPConfig(ModelConfig):
    """`max_length`: the fixed number of positions flattened (inputs are padded or cut to it);
    `hidden`: widths of the hidden layers; `dropout`: one rate per hidden layer."""

    max_length: int = 64
    hidden: tuple[int, ...] = (64,)
    dropout: tuple[float, ...] = (0.5,)

    def __post_init__(self) -> None:
        super().__post_init__()
        if len(self.dropout) != len(self.hidden):
            raise ValueError(
                f"give one dropout rate per hidden layer: {len(self.hidden)} "
                f"layers, {len(self.dropout)} rates"
            )


class MLP(nnx.Module):
    def __init__(self, config: MLPConfig, pretrained: np.ndarray | None = None, *, rngs: nnx.Rngs):
        self.config = config
        self.embed = Embedder(config, pretrained, rngs=rngs)
        widths = [config.max_length * self.embed.features, *config.hidden]
        self.hidden = nnx.List([nnx.Linear(a, b, rngs=rngs) for a, b in itertools.pairwise(widths)])
        self.dropout = nnx.List([nnx.Dropout(r, rngs=rngs) for r in config.dropout])
        self.out = nnx.Linear(widths[-1], config.num_classes, rngs=rngs)

    def __call__(self, ids: jax.Array, lengths: jax.Array) -> jax.Array:
        """ids <int32>[B, T], lengths <int32>[B] -> logits <float32>[B, classes]."""
        ids = fit_length(ids, self.config.max_length)
        x = self.embed(ids, sequence_mask(lengths, self.config.max_length))
        x = x.reshape(x.shape[0], -1)
        for layer, dropout in zip(self.hidden, self.dropout, strict=True):
            x = dropout(jax.nn.relu(layer(x)))
        return self.out(x)

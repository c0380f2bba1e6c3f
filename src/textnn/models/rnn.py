"""Recurrent models: `lstm` / `gru` (unidirectional) and `bilstm` / `bigru` (bidirectional,
several layers), all masked so that padding never reaches a prediction."""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from textnn.models.config import ModelConfig
from textnn.models.embedder import Embedder
from textnn.models.masking import (
    at_positions,
    last_positions,
    masked_max,
    masked_mean,
    sequence_mask,
)
from textnn.models.recurrent import Recurrent

HEADS = ("last", "first-last", "final-states", "sum", "max", "mean")


@dataclass
class RNNConfig(ModelConfig):
    """`cell`: lstm or gru; `hidden` units per direction; `layers` stacked; `dropout` between
    layers and before the output layer.

    `head`, how the sequence becomes one vector:
    - `last`: the output at the true last token (unidirectional: its final hidden state);
    - `first-last`: outputs at the first and the true last steps, concatenated (d2l's BiRNN:
      width 4H when bidirectional);
    - `final-states`: both directions' final hidden states (PyTorch course; 2H);
    - `sum`: forward plus re-reversed backward outputs at the true last token (Axon; H);
    - `max` / `mean`: over the outputs at real positions.
    """

    hidden: int = 100
    layers: int = 1
    cell: str = "lstm"
    bidirectional: bool = False
    head: str = "last"
    dropout: float = 0.0

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.head not in HEADS:
            raise ValueError(f"head must be one of {HEADS}, got {self.head!r}")
        if self.head in ("final-states", "sum") and not self.bidirectional:
            raise ValueError(
                f"head {self.head!r} combines two directions; use a bidirectional "
                "model or head 'last'"
            )


class RNN(nnx.Module):
    def __init__(self, config: RNNConfig, pretrained: np.ndarray | None = None, *, rngs: nnx.Rngs):
        self.config = config
        self.embed = Embedder(config, pretrained, rngs=rngs)
        directions = 2 if config.bidirectional else 1
        widths = [self.embed.features] + [config.hidden * directions] * config.layers
        self.layers = nnx.List(
            [
                Recurrent(a, config.hidden, config.cell, config.bidirectional, rngs=rngs)
                for a in widths[:-1]
            ]
        )
        self.dropout = nnx.Dropout(config.dropout, rngs=rngs)
        width = {"first-last": 2 * widths[-1], "sum": config.hidden}.get(config.head, widths[-1])
        self.out = nnx.Linear(width, config.num_classes, rngs=rngs)

    def __call__(self, ids: jax.Array, lengths: jax.Array) -> jax.Array:
        """ids <int32>[B, T], lengths <int32>[B] -> logits <float32>[B, classes].

        Time-major from the embedding on (<float32>[T, B, D]), as the recurrent layers read it:
        one transpose of the embedded batch instead of one in and out of every layer's
        directions. (Embedding the transposed ids would save that one too, but would sum a
        fine-tuned table's gradient in another order: same results up to float rounding, so
        earlier benchmark runs could no longer be reproduced exactly.)"""
        mask = sequence_mask(lengths, ids.shape[1])
        x = jnp.swapaxes(self.embed(ids, mask), 0, 1)
        mask = mask.T  # [T, B]
        for i, layer in enumerate(self.layers):
            if i:
                x = self.dropout(x)
            x, final = layer(x, lengths)
        last = last_positions(lengths)
        head = self.config.head
        if head == "last":
            features = at_positions(x, last, time_axis=0)
        elif head == "first-last":
            features = jnp.concatenate([x[0], at_positions(x, last, time_axis=0)], axis=-1)
        elif head == "final-states":
            features = jnp.concatenate([final[0], final[1]], axis=-1)
        elif head == "sum":
            h = self.config.hidden
            features = at_positions(x[..., :h] + x[..., h:], last, time_axis=0)
        elif head == "max":
            features = masked_max(x, mask, time_axis=0)
        else:
            features = masked_mean(x, mask, time_axis=0)
        return self.out(self.dropout(features))

"""Token ids -> vectors: the Embedder (random, static, non-static or multichannel tables) and
the FrozenEmbedding variable that optimisers leave alone.

Shapes: B batch, T padded length, D embedding width.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from textnn.models.config import ModelConfig
from textnn.models.quantize import dense, is_quantized, lookup, shape_of


class FrozenEmbedding(nnx.Variable):
    """A pretrained table that is never trained: not an `nnx.Param`, so gradients and optimisers
    (which select `nnx.Param`) leave it alone."""


class Embedder(nnx.Module):
    """ids <int32>[B, T] -> vectors <float32>[B, T, D'] with padding positions zeroed.

    D' is D, or 2D for `multichannel` (frozen and trainable copies concatenated on the feature
    axis, as in d2l's TextCNN). Either table may be quantized for prediction
    (models/quantize.py).
    """

    LOOKUP_TABLES = ("frozen", "table")

    def __init__(self, config: ModelConfig, pretrained: np.ndarray | None, *, rngs: nnx.Rngs):
        mode = config.embedding
        if mode == "auto":
            mode = "rand" if pretrained is None else "non-static"
        if mode != "rand" and pretrained is None:
            raise ValueError(f"embedding={mode!r} needs pretrained vectors (or use 'rand')")
        if mode == "rand" and pretrained is not None:
            raise ValueError(
                "embedding='rand' would ignore the pretrained vectors given; choose "
                "'static', 'non-static' or 'multichannel'"
            )
        if pretrained is not None:
            pretrained = jnp.asarray(pretrained, dtype=jnp.float32)
            if pretrained.shape[0] != config.vocab_size:
                raise ValueError(
                    f"pretrained matrix has {pretrained.shape[0]} rows but the "
                    f"vocabulary has {config.vocab_size}"
                )
        self.mode = config.embedding = mode  # a saved config records the resolved mode
        self.frozen = FrozenEmbedding(pretrained) if mode in ("static", "multichannel") else None
        if mode == "rand":
            init = nnx.initializers.variance_scaling(1.0, "fan_in", "normal", out_axis=0)
            self.table = nnx.Param(init(rngs.params(), (config.vocab_size, config.embed_dim)))
        elif mode in ("non-static", "multichannel"):
            # Its own buffer: training updates it in place (donated), and with `multichannel`
            # the frozen copy must not share it.
            self.table = nnx.Param(jnp.array(pretrained, copy=True))
        else:
            self.table = None
        self.features = sum(t[...].shape[1] for t in (self.frozen, self.table) if t is not None)

    def __call__(self, ids: jax.Array, mask: jax.Array) -> jax.Array:
        parts = self.parts(ids, mask)
        return parts[0] if len(parts) == 1 else jnp.concatenate(parts, axis=-1)

    def parts(self, ids: jax.Array, mask: jax.Array) -> tuple[jax.Array, ...]:
        """What __call__ concatenates: one <float32>[B, T, D] per table (frozen first), with
        padding positions zeroed."""
        keep = mask[..., None].astype(jnp.float32)
        return tuple(lookup(t, ids) * keep for t in (self.frozen, self.table) if t is not None)

    @property
    def vocab_size(self) -> int:
        return next(shape_of(t)[0] for t in (self.frozen, self.table) if t is not None)

    @property
    def quantized(self) -> bool:
        return any(is_quantized(t) for t in (self.frozen, self.table) if t is not None)

    def vectors(self) -> jax.Array:
        """<float32>[vocab, D']: the vector each id maps to (before padding is zeroed)."""
        parts = [dense(t) for t in (self.frozen, self.table) if t is not None]
        return parts[0] if len(parts) == 1 else jnp.concatenate(parts, axis=-1)

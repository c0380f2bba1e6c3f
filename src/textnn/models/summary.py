"""Parameter counts and a layer-by-layer summary of a model."""

from __future__ import annotations

import numpy as np
from flax import nnx

from textnn.models.embedder import FrozenEmbedding
from textnn.models.params import named_variables


def parameter_count(model: nnx.Module, *, trainable_only: bool = False) -> int:
    """Number of parameters (frozen embeddings included unless `trainable_only`)."""
    return sum(
        int(np.prod(v[...].shape))
        for v in named_variables(model).values()
        if not (trainable_only and isinstance(v, FrozenEmbedding))
    )


def summary(model: nnx.Module) -> str:
    """A table: each parameter's path, shape, count, and whether it is trained."""
    rows = [
        (
            path,
            "x".join(map(str, v[...].shape)),
            int(np.prod(v[...].shape)),
            "frozen" if isinstance(v, FrozenEmbedding) else "trained",
        )
        for path, v in named_variables(model).items()
    ]
    width = max([len(r[0]) for r in rows] + [9])
    lines = [f"{type(model).__name__}", f"{'parameter':<{width}}  {'shape':>14}  {'count':>11}"]
    lines += [f"{p:<{width}}  {s:>14}  {c:>11,}  {t}" for p, s, c, t in rows]
    total = parameter_count(model)
    trained = parameter_count(model, trainable_only=True)
    lines.append(f"total {total:,} parameters ({trained:,} trained, {total - trained:,} frozen)")
    return "\n".join(lines)

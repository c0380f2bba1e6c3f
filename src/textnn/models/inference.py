"""The fastest equivalent of a trained model for prediction.

A model may define `for_inference(max_bytes)`, returning a module with the same call (ids
<int32>[B, T], lengths <int32>[B] -> logits <float32>[B, classes]) and the same predictions,
that predicts faster by spending up to `max_bytes` of memory on tables derived from its
parameters (TextCNN, one-layer Conv1D: see TabledConv), or None when it cannot.
"""

from __future__ import annotations

from flax import nnx

# 512 MiB: d2l's TextCNN (200 features, 3 x 100 channels) on IMDb's 29,172 words needs 140 MB.
TABLE_BYTES = 1 << 29


def for_inference(model: nnx.Module, max_bytes: int = TABLE_BYTES) -> nnx.Module:
    """`model` switched to evaluation (no dropout), or its faster folded form. The folded form
    is a snapshot: build it again after the model's parameters change."""
    model.eval()
    fold = getattr(model, "for_inference", None)
    folded = fold(max_bytes) if fold is not None else None
    return model if folded is None else folded

"""The fastest equivalent of a trained model for prediction.

A model may define `for_inference(max_bytes)`, returning a module with the same call (ids
<int32>[B, T], lengths <int32>[B] -> logits <float32>[B, classes]) and the same predictions,
that predicts faster by spending up to `max_bytes` of memory on tables derived from its
parameters (TextCNN, one-layer Conv1D: see TabledConv), or None when it cannot.
"""

from __future__ import annotations

import jax
import numpy as np
from flax import nnx

from textnn.text.batching import BucketedBatches

# 512 MiB: d2l's TextCNN (200 features, 3 x 100 channels) on IMDb's 29,172 words needs 140 MB.
TABLE_BYTES = 1 << 29


def for_inference(model: nnx.Module, max_bytes: int = TABLE_BYTES) -> nnx.Module:
    """`model` switched to evaluation (no dropout), or its faster folded form. The folded form
    is a snapshot: build it again after the model's parameters change."""
    model.eval()
    fold = getattr(model, "for_inference", None)
    folded = fold(max_bytes) if fold is not None else None
    return model if folded is None else folded


@nnx.jit(static_argnames=("multilabel",), graph_updates=False)
def predict_step(model, ids, lengths, multilabel: bool = False):
    """<float32>[B, classes] probabilities: a softmax over the classes, or for a multi-label
    model each label's own sigmoid."""
    logits = model(ids, lengths)
    return jax.nn.sigmoid(logits) if multilabel else jax.nn.softmax(logits, axis=-1)


def predict_proba(
    model,
    batches: BucketedBatches,
    num_rows: int,
    num_classes: int,
    parallel=None,
    multilabel: bool = False,
) -> np.ndarray:
    """Probabilities for every row of `batches` (built with shuffle=False), in input order;
    with `parallel` (a `train.parallel.DataParallel`), each batch is split across its
    devices. `model`: a model in evaluation mode or its folded form
    (`models.inference.for_inference` gives either); `multilabel`: independent sigmoids."""
    out = np.zeros((num_rows, num_classes), np.float32)
    for batch in batches.batches(0):
        if parallel is None:
            probs = np.asarray(predict_step(model, batch.ids, batch.lengths, multilabel))
        else:
            ids, lengths = parallel.shard(batch.ids), parallel.shard(batch.lengths)
            probs = parallel.to_host(predict_step(model, ids, lengths, multilabel))
        real = batch.mask
        out[batch.index[real]] = probs[real]
    return out

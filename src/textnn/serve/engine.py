"""The server's forward pass: texts -> probabilities over a fixed, small set of batch shapes,
every one compiled before the server says it is ready, so that no request waits on a compile.

Training buckets lengths to multiples of 16 (many shapes, each compiled when first seen); a
server cannot afford that latency on a request. Here lengths round up to powers of two (16,
32, ..., the run's max length) and rows to a few tiers (1, 8, ..., the largest batch): about
20 shapes for a run of 1,000 tokens, compiled at start.
"""

from __future__ import annotations

from collections.abc import Sequence

import jax
import numpy as np

from textnn.models.inference import predict_step
from textnn.models.registry import get as get_model
from textnn.runs.ensemble import Ensemble, vote
from textnn.runs.predictor import Outputs, Predictor

MIN_LENGTH = 16


def length_buckets(max_length: int, fixed: bool) -> list[int]:
    """Padded lengths a batch may take: powers of two from 16, and `max_length` itself (only
    it for models that see a fixed length)."""
    if fixed or max_length <= MIN_LENGTH:
        return [max_length]
    buckets, length = [], MIN_LENGTH
    while length < max_length:
        buckets.append(length)
        length *= 2
    return [*buckets, max_length]


def row_tiers(max_batch: int) -> list[int]:
    """Batch sizes a call may take: 1, 8, 32, ... up to and including `max_batch`."""
    tiers, rows = [1], 8
    while rows < max_batch:
        tiers.append(rows)
        rows *= 4
    return sorted({*tiers, max_batch})


def _smallest_at_least(options: list[int], wanted: int) -> int:
    return next(o for o in options if o >= wanted)


class ModelEngine:
    """One trained model (a Predictor) behind fixed shapes."""

    def __init__(self, predictor: Predictor, max_batch: int):
        self.predictor = predictor
        self.model = predictor.inference_model()
        self.multilabel = predictor.multilabel  # sigmoids, not a softmax
        self.max_length = predictor.text.max_length
        fixed = get_model(predictor.model_name).fixed_length
        self.lengths = length_buckets(self.max_length, fixed)
        self.rows = row_tiers(max_batch)
        self.max_batch = max_batch

    @property
    def shapes(self) -> list[tuple[int, int]]:
        return [(rows, length) for length in self.lengths for rows in self.rows]

    def warm_up(self) -> None:
        """Compile every shape: afterwards no call compiles."""
        for rows, length in self.shapes:
            ids = np.zeros((rows, length), np.int32)
            lengths = np.ones(rows, np.int32)
            jax.block_until_ready(predict_step(self.model, ids, lengths, self.multilabel))

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """<float32>[n, classes] for `texts` (none empty), at most `max_batch` rows a call,
        the longest texts cut at the run's max length (first tokens kept, as in training)."""
        encoded = self.predictor.tokenizer.encode(list(texts), self.predictor.vocab)
        lengths = np.minimum(encoded.lengths, self.max_length)
        out = []
        for start in range(0, len(texts), self.max_batch):
            stop = min(start + self.max_batch, len(texts))
            n = stop - start
            rows = _smallest_at_least(self.rows, n)
            width = _smallest_at_least(self.lengths, max(1, int(lengths[start:stop].max())))
            ids = np.zeros((rows, width), np.int32)
            for row, i in enumerate(range(start, stop)):
                kept = min(lengths[i], width)
                ids[row, :kept] = encoded.ids[encoded.offsets[i] : encoded.offsets[i] + kept]
            row_lengths = np.zeros(rows, np.int32)
            row_lengths[:n] = np.maximum(lengths[start:stop], 1)
            row_lengths[n:] = 1  # filler rows: one pad token, their outputs dropped
            probs = np.asarray(predict_step(self.model, ids, row_lengths, self.multilabel))
            out.append(probs[:n])
        return np.concatenate(out, axis=0).astype(np.float32)


class Engine:
    """A run's outputs (one model, or the soft vote of several) behind fixed shapes."""

    def __init__(self, outputs: Outputs, max_batch: int):
        self.label_names = list(outputs.label_names)
        if isinstance(outputs, Ensemble):  # members of weight 0 are not asked (runs/partner.py)
            members = [
                (p, columns, weight)
                for p, columns, weight in zip(
                    outputs.predictors, outputs.columns, outputs.weights, strict=True
                )
                if weight > 0
            ]
        else:
            members = [(outputs, np.arange(len(self.label_names)), 1.0)]
        self.members = [(ModelEngine(p, max_batch), columns) for p, columns, _ in members]
        self.weights = [weight for _, _, weight in members]
        self.max_batch = max_batch

    @property
    def shapes(self) -> int:
        return sum(len(engine.shapes) for engine, _ in self.members)

    def warm_up(self) -> None:
        for engine, _ in self.members:
            engine.warm_up()

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """<float32>[n, classes]: the (weighted) mean of the members' probabilities, in our
        class order; a NaN (damaged parameters) is an error, never an answer."""
        result = vote(
            [engine.probabilities(texts)[:, columns] for engine, columns in self.members],
            self.weights,
        )
        if not np.isfinite(result).all():
            raise FloatingPointError("the model gave NaN or infinite probabilities")
        return result

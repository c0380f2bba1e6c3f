"""The Predictor: texts -> probabilities for every class, in batches, with a jit-compiled
forward pass. Every caller shares it: evaluate, predict, explain, the report, the Python API,
and a server."""

from __future__ import annotations

from collections.abc import Sequence

import jax
import numpy as np
from flax import nnx

from textnn.config import TextConfig
from textnn.errors import DataError
from textnn.models.inference import for_inference, predict_proba
from textnn.models.registry import get as get_model
from textnn.text.batching import BucketedBatches
from textnn.text.tokenize import Tokenizer
from textnn.text.vocab import Vocab
from textnn.train.parallel import DataParallel


class Outputs:
    """Labels and records from `predict_proba`, for every predictor of `label_names` (a run's
    Predictor, or an Ensemble of several). `multilabel`: each label has its own probability
    (independent sigmoids) and a text carries every label at or above its threshold
    (`thresholds` <float32>[classes], chosen on validation data; None: 0.5 each)."""

    label_names: list[str]
    multilabel: bool = False
    thresholds: np.ndarray | None = None

    def predict_proba(
        self, texts: Sequence[str], allow_empty: bool = False, batch_size: int | None = None
    ) -> np.ndarray:
        raise NotImplementedError

    def predict(self, texts: Sequence[str]) -> list:
        """Each text's label (multi-label: its list of labels, most probable first)."""
        probs = self.predict_proba(texts)
        if not self.multilabel:
            return [self.label_names[i] for i in probs.argmax(-1)]
        return [[name for name, _ in chosen] for chosen in self.choose(probs)]

    def choose(
        self, probabilities: np.ndarray, top_k: int | None = None, threshold: float | None = None
    ) -> list[list[tuple[str, float]]]:
        """For each row of probabilities <float32>[n, classes], the chosen (label, probability)
        pairs, most probable first, as fastText's `predict -k K -threshold T`: at most `top_k`
        of them (None: 1 for single-label runs, every label for multi-label ones; -1: all),
        each at or above `threshold` (None: 0 for single-label runs, each label's own
        threshold for multi-label ones)."""
        if top_k is not None and (top_k == 0 or top_k < -1):
            raise DataError(f"top_k must be at least 1 (or -1 for all), got {top_k}", field="top_k")
        if threshold is not None and not 0.0 <= threshold <= 1.0:
            raise DataError(f"threshold must be in [0, 1], got {threshold}", field="threshold")
        classes = len(self.label_names)
        if top_k is None or top_k == -1:
            top_k = classes if (self.multilabel or top_k == -1) else 1
        if threshold is not None:
            cut = np.full(classes, threshold, np.float32)
        elif self.multilabel:
            cut = np.full(classes, 0.5, np.float32) if self.thresholds is None else self.thresholds
        else:
            cut = np.zeros(classes, np.float32)
        out = []
        for row in probabilities:
            order = np.argsort(-row, kind="stable")[: min(top_k, classes)]
            out.append([(self.label_names[i], float(row[i])) for i in order if row[i] >= cut[i]])
        return out

    def predict_records(
        self, texts: Sequence[str], top_k: int | None = None, threshold: float | None = None
    ) -> list[dict]:
        """[{"text", "label", "labels", "probabilities": {label name: p}}] for each text:
        `label` the most probable, `labels` those `choose` picks with `top_k` and
        `threshold` (multi-label runs: the text's labels)."""
        probs = self.predict_proba(texts)
        return [
            {
                "text": t,
                "label": self.label_names[int(p.argmax())],
                "labels": [name for name, _ in chosen],
                "probabilities": {n: float(v) for n, v in zip(self.label_names, p, strict=True)},
            }
            for t, p, chosen in zip(texts, probs, self.choose(probs, top_k, threshold), strict=True)
        ]


class Predictor(Outputs):
    """Texts -> probabilities for every class, in batches, with a jit-compiled forward pass
    (multi-label: each label's sigmoid; `thresholds` decide which labels a text carries)."""

    def __init__(
        self,
        model,
        tokenizer: Tokenizer,
        vocab: Vocab,
        label_names: Sequence[str],
        text: TextConfig,
        model_name: str,
        batch_size: int = 256,
        parallel: DataParallel | None = None,
        multilabel: bool = False,
        thresholds: np.ndarray | None = None,
    ):
        self.model, self.tokenizer, self.vocab = model, tokenizer, vocab
        self.label_names, self.text, self.model_name = list(label_names), text, model_name
        self.multilabel, self.thresholds = multilabel, thresholds
        self.batch_size = batch_size
        # How the model's tables were quantized (`textnn quantize`): {"method", "tables",
        # "source"}; None for a full model, the only kind that trains further.
        self.quantized: dict | None = None
        self.parallel = parallel  # split each batch across these devices (None: one device)
        self._folded: tuple[list, object] | None = None  # (variables it was built from, module)

    def batches(
        self,
        texts: Sequence[str],
        labels: np.ndarray | None = None,
        allow_empty: bool = False,
        batch_size: int | None = None,
    ) -> BucketedBatches:
        """Length-bucketed batches of `texts` in a fixed order (fixed-length models: padded),
        `batch_size` (default: the Predictor's) rows each."""
        _check_texts(texts, allow_empty)
        ids = self.tokenizer.encode(list(texts), self.vocab)
        fixed = get_model(self.model_name).fixed_length
        devices = self.parallel.size if self.parallel else 1
        return BucketedBatches(
            ids,
            labels,
            batch_size=-(-(batch_size or self.batch_size) // devices) * devices,
            max_length=self.text.max_length,
            pad_multiple=self.text.pad_multiple,
            shuffle=False,
            bucket=not fixed,
        )

    def predict_proba(
        self, texts: Sequence[str], allow_empty: bool = False, batch_size: int | None = None
    ) -> np.ndarray:
        """<float32>[n, classes]: each text's probability for every class. An empty text is an
        error unless `allow_empty` (explanations ask about texts with every word removed)."""
        if len(texts) == 0:
            return np.zeros((0, len(self.label_names)), np.float32)
        batches = self.batches(texts, allow_empty=allow_empty, batch_size=batch_size)
        probabilities = predict_proba(
            self.inference_model(),
            batches,
            len(texts),
            len(self.label_names),
            self.parallel,
            self.multilabel,
        )
        finite = np.isfinite(probabilities).all(axis=1)
        if not finite.all():
            raise DataError(
                f"the model gave NaN or infinite probabilities (first for text "
                f"{int(np.argmin(finite))}): its parameters are not finite; train it again"
            )
        return probabilities

    def inference_model(self):
        """The model's fastest form for prediction (`for_inference`), built once and again
        only when one of the model's variables has been replaced (trained further, loaded,
        a new head)."""
        variables = jax.tree.leaves(nnx.state(self.model))
        built = self._folded
        stale = (
            built is None
            or len(built[0]) != len(variables)
            or any(a is not b for a, b in zip(built[0], variables, strict=True))
        )
        if stale:
            self._folded = (variables, for_inference(self.model))
        return self._folded[1]


def _check_texts(texts: Sequence[str], allow_empty: bool = False) -> None:
    if isinstance(texts, str):
        raise TypeError("expected a list of texts, got a single string; wrap it in a list")
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise TypeError(f"text {i} is a {type(t).__name__}, not a string")
        if not allow_empty and not t.strip():
            raise DataError(f"text {i} is empty or whitespace only; there is nothing to classify")

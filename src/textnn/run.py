"""Run directories: everything needed to predict later, and the Predictor that every caller
(evaluate, predict, the Python API, later a server) shares.

A run directory holds:
  run.json            format version, model name and config, tokenizer and text settings,
                      label names, dataset name, textnn version
  config.json         the full RunConfig it was trained with
  vocab.json          the vocabulary (built from the training split)
  params.safetensors  the parameters (best validation epoch)
  metrics.jsonl       one line per epoch
  report.json         the test evaluation, when there was a test split
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import jax
import numpy as np
from flax import nnx

from textnn.config import TextConfig
from textnn.errors import DataError
from textnn.jsonfile import read_document
from textnn.models import build_model
from textnn.models.inference import for_inference
from textnn.models.params import load_parameters, save_parameters
from textnn.models.registry import get as get_model
from textnn.text.batching import BucketedBatches
from textnn.text.tokenize import Tokenizer
from textnn.text.vocab import Vocab
from textnn.train.parallel import DataParallel
from textnn.train.trainer import predict_proba

FORMAT, VERSION = "textnn.run", 1


class Outputs:
    """Labels and records from `predict_proba`, for every predictor of `label_names` (a run's
    Predictor, or an Ensemble of several)."""

    label_names: list[str]

    def predict_proba(
        self, texts: Sequence[str], allow_empty: bool = False, batch_size: int | None = None
    ) -> np.ndarray:
        raise NotImplementedError

    def predict(self, texts: Sequence[str]) -> list[str]:
        return [self.label_names[i] for i in self.predict_proba(texts).argmax(-1)]

    def predict_records(self, texts: Sequence[str]) -> list[dict]:
        """[{"text", "label", "probabilities": {label name: p}}] for each text."""
        probs = self.predict_proba(texts)
        return [
            {
                "text": t,
                "label": self.label_names[int(p.argmax())],
                "probabilities": {n: float(v) for n, v in zip(self.label_names, p, strict=True)},
            }
            for t, p in zip(texts, probs, strict=True)
        ]


class Predictor(Outputs):
    """Texts -> probabilities for every class, in batches, with a jit-compiled forward pass."""

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
    ):
        self.model, self.tokenizer, self.vocab = model, tokenizer, vocab
        self.label_names, self.text, self.model_name = list(label_names), text, model_name
        self.batch_size = batch_size
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
        return predict_proba(
            self.inference_model(), batches, len(texts), len(self.label_names), self.parallel
        )

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


def save_run(run_dir: Path, predictor: Predictor, *, dataset: str, config_dict: dict) -> None:
    run_dir.mkdir(parents=True, exist_ok=True)
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "model": predictor.model_name,
        "model_config": predictor.model.config.to_dict(),
        "tokenizer": predictor.tokenizer.to_config(),
        "text": asdict(predictor.text),
        "label_names": predictor.label_names,
        "dataset": dataset,
        "textnn_version": _version(),
    }
    (run_dir / "run.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    (run_dir / "config.json").write_text(json.dumps(config_dict, indent=2) + "\n", encoding="utf-8")
    predictor.vocab.save(run_dir / "vocab.json")
    save_parameters(predictor.model, run_dir / "params.safetensors")


def load(run_dir: str | Path) -> Predictor:
    """Restore a run's Predictor; a missing or damaged file raises DataError naming it."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise DataError(
            "run directory not found (train one with `textnn train ... --out DIR`)", path=run_dir
        )
    meta_path = run_dir / "run.json"
    meta = read_document(meta_path, FORMAT, "run")
    if meta.get("version", 0) > VERSION:
        raise DataError(
            f"written by a newer textnn (format {meta['version']}); upgrade textnn", path=meta_path
        )
    try:
        vocab = Vocab.load(run_dir / "vocab.json")
        text = TextConfig(**meta["text"])
        tokenizer = Tokenizer.from_config(meta["tokenizer"])
        config = dict(meta["model_config"])
        name, labels = meta["model"], meta["label_names"]
    except (KeyError, TypeError) as err:
        raise DataError(f"damaged run file (missing or bad {err})", path=meta_path) from None
    # Pretrained tables are restored from the parameters file: build with a placeholder.
    needs_vectors = config.get("embedding") in ("static", "non-static", "multichannel")
    placeholder = (
        np.zeros((config["vocab_size"], config["embed_dim"]), np.float32) if needs_vectors else None
    )
    model = build_model(name, config, embeddings=placeholder)
    load_parameters(model, run_dir / "params.safetensors")
    model.eval()
    return Predictor(model, tokenizer, vocab, labels, text, name)


def _version() -> str:
    from textnn import __version__

    return __version__

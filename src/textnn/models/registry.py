"""Models by name: each name is a module class with a config of its own defaults."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from flax import nnx

from textnn.errors import NotFoundError
from textnn.models.cnn import CNNDeep, CNNDeepConfig, Conv1D, Conv1DConfig, TextCNN, TextCNNConfig
from textnn.models.config import ModelConfig
from textnn.models.fasttext import FastText, FastTextConfig
from textnn.models.mlp import MLP, MLPConfig
from textnn.models.nbsvm import NBSVM, NBSVMConfig, fit_ratios
from textnn.models.rnn import RNN, RNNConfig


@dataclass(frozen=True)
class ModelSpec:
    name: str
    module: type[nnx.Module]
    config: type[ModelConfig]
    description: str
    defaults: dict[str, Any] = field(default_factory=dict)
    fixed_length: bool = False  # sees a fixed number of positions (needs max_length)
    uses_vectors: bool = True  # False: pretrained word vectors would go unused
    # Statistics of the labelled training batches that a new model needs before training
    # (called once with the model and the batches; returns a line for the log).
    prepare: Callable[[nnx.Module, Iterable], str] | None = None


MODELS: dict[str, ModelSpec] = {
    s.name: s
    for s in (
        ModelSpec("mlp", MLP, MLPConfig, "embedding, flatten, dense layers", fixed_length=True),
        ModelSpec(
            "fasttext",
            FastText,
            FastTextConfig,
            "mean of word + hashed bigram vectors, linear (Joulin et al. 2016)",
        ),
        ModelSpec(
            "nbsvm",
            NBSVM,
            NBSVMConfig,
            "set of word 1-3-grams scaled by naive Bayes ratios, linear (Wang & Manning 2012)",
            uses_vectors=False,
            prepare=fit_ratios,
        ),
        ModelSpec(
            "textcnn", TextCNN, TextCNNConfig, "Conv1D widths 3,4,5 x 100, max over time (Kim 2014)"
        ),
        ModelSpec("conv1d", Conv1D, Conv1DConfig, "one Conv1D (32 x 7), max over time"),
        ModelSpec(
            "conv1d-stack",
            Conv1D,
            Conv1DConfig,
            "two Conv1D with a max-pool of 5 between",
            {"layers": 2},
        ),
        ModelSpec(
            "cnn-deep",
            CNNDeep,
            CNNDeepConfig,
            "four Conv1D with dropout and pooling, flatten, dense 64",
            fixed_length=True,
        ),
        ModelSpec("lstm", RNN, RNNConfig, "LSTM, hidden state at the true last token"),
        ModelSpec(
            "gru", RNN, RNNConfig, "GRU, hidden state at the true last token", {"cell": "gru"}
        ),
        ModelSpec(
            "bilstm",
            RNN,
            RNNConfig,
            "2-layer bidirectional LSTM, first-last head (d2l)",
            {"bidirectional": True, "layers": 2, "head": "first-last"},
        ),
        ModelSpec(
            "bigru",
            RNN,
            RNNConfig,
            "2-layer bidirectional GRU, first-last head",
            {"cell": "gru", "bidirectional": True, "layers": 2, "head": "first-last"},
        ),
    )
}


def get(name: str) -> ModelSpec:
    if name not in MODELS:
        raise NotFoundError("model", name, MODELS)
    return MODELS[name]


def model_config(name: str, **overrides: Any) -> ModelConfig:
    """The named model's config: its defaults, then `overrides`."""
    spec = get(name)
    return spec.config.from_dict({**spec.defaults, **overrides})


def build_model(
    name: str,
    config: ModelConfig | dict[str, Any] | None = None,
    *,
    embeddings: np.ndarray | None = None,
    seed: int = 0,
    **overrides: Any,
) -> nnx.Module:
    """Build a model by name.

    `config` (a config object or dict) or keyword overrides set its fields; `vocab_size` is
    taken from `embeddings` (<float32>[vocab, dim]) when given, as is the embedding width.
    The result maps ids <int32>[B, T] and lengths <int32>[B] to logits <float32>[B, classes].
    """
    spec = get(name)
    values = config.to_dict() if isinstance(config, ModelConfig) else dict(config or {})
    values.update(overrides)
    if embeddings is not None:
        embeddings = np.asarray(embeddings, dtype=np.float32)
        values.setdefault("vocab_size", embeddings.shape[0])
        values["embed_dim"] = embeddings.shape[1]
    cfg = model_config(name, **values)
    if cfg.vocab_size < 2:
        raise ValueError("vocab_size must be given (the vocabulary's size, at least 2)")
    if cfg.num_classes < 2:
        raise ValueError(f"num_classes must be at least 2, got {cfg.num_classes}")
    return spec.module(cfg, embeddings, rngs=nnx.Rngs(params=seed, dropout=seed + 1))

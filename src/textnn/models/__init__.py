"""ids -> logits: the model zoo on Flax NNX. Every model maps token ids <int32>[B, T] and true
lengths <int32>[B] to logits <float32>[B, classes]."""

from textnn.models.registry import MODELS, build_model, model_config
from textnn.models.summary import parameter_count, summary

__all__ = ["MODELS", "build_model", "model_config", "parameter_count", "summary"]

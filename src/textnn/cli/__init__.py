"""The `textnn` command (click): one module per group of verbs, each verb parsing its flags,
calling one library function and printing. No logic of its own."""

from textnn.cli import (
    analysis_verbs,
    data_verbs,
    model_verbs,
    serve_verbs,
    train_verbs,
    tune_verbs,
    use_verbs,
)
from textnn.cli.main import main

__all__ = [
    "analysis_verbs",
    "data_verbs",
    "main",
    "model_verbs",
    "serve_verbs",
    "train_verbs",
    "tune_verbs",
    "use_verbs",
]

"""`TextClassifier`: the scikit-learn face of textnn. Texts in, labels out; `get_params` /
`set_params` make it work with `clone`, `Pipeline`, `GridSearchCV` and `cross_val_score`.

Each fit runs the same pipeline as `textnn train` (vocabulary from the training texts,
pretrained vectors, a seeded validation split for choosing the best epoch) on in-memory data.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from textnn.config import DataConfig, RunConfig, TextConfig, TrainConfig
from textnn.data.dataset import Dataset, Examples
from textnn.errors import DataError

ESTIMATOR_FILE, FORMAT = "estimator.json", "textnn.estimator"


class TextClassifier(ClassifierMixin, BaseEstimator):
    """A neural text classifier with the scikit-learn estimator API.

    Parameters mirror the run config: `model` (see `textnn models`), `embeddings`
    (`glove-6b-50d`, a vectors file, or None for random ones), `missing_vectors` (rows of the
    words `embeddings` lacks: `random` or `zeros`), `epochs`, `batch_size`,
    `learning_rate`, `optimizer`, `tokenizer`, `lowercase`, `max_length`, `min_freq`,
    `max_size`, `model_options` (a dict of the model's own settings, e.g. `{"channels": 200}`),
    `validation_fraction` (held out of each fit to pick the best epoch; 0 keeps the last),
    `patience`, `refit` (then train again on all of `X` for the best epoch count), `freeze`,
    `init` (a trained run directory to fine-tune) and `extend_vocab` (its vocabulary gains the
    words of `X` it lacks), `seed`, `devices` and `verbose`.

    After `fit`: `classes_` (the labels, sorted, in their own type), `predictor_` (the
    textnn Predictor) and `history_` (one dict per epoch; a refit's marked `refit`).

    >>> clf = TextClassifier(model="fasttext", embeddings=None, epochs=3)
    >>> clf.fit(["a great film", "a dull film", ...], ["pos", "neg", ...]).predict(["great"])
    """

    def __init__(
        self,
        model: str = "textcnn",
        embeddings: str | None = "glove-6b-50d",
        missing_vectors: str = "random",
        epochs: int = 5,
        batch_size: int = 64,
        learning_rate: float = 1e-3,
        optimizer: str = "adam",
        tokenizer: str = "words",
        lowercase: bool = True,
        max_length: int = 500,
        min_freq: int = 1,
        max_size: int | None = None,
        model_options: dict[str, Any] | None = None,
        validation_fraction: float = 0.1,
        patience: int = 0,
        refit: bool = False,
        freeze: str = "none",
        init: str | None = None,
        extend_vocab: bool = False,
        seed: int = 0,
        devices: int | str = 1,
        verbose: bool = False,
    ):
        self.model = model
        self.embeddings = embeddings
        self.missing_vectors = missing_vectors
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.optimizer = optimizer
        self.tokenizer = tokenizer
        self.lowercase = lowercase
        self.max_length = max_length
        self.min_freq = min_freq
        self.max_size = max_size
        self.model_options = model_options
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.refit = refit
        self.freeze = freeze
        self.init = init
        self.extend_vocab = extend_vocab
        self.seed = seed
        self.devices = devices
        self.verbose = verbose

    def run_config(self) -> RunConfig:
        """The run config these parameters make (what `textnn train` would be given)."""
        return RunConfig(
            data=DataConfig(
                name="in-memory", validation_fraction=self.validation_fraction, test_fraction=0.0
            ),
            text=TextConfig(
                tokenizer=self.tokenizer,
                lowercase=self.lowercase,
                min_freq=self.min_freq,
                max_size=self.max_size,
                max_length=self.max_length,
            ),
            model=self.model,
            model_options=dict(self.model_options or {}),
            embeddings=self.embeddings,
            missing_vectors=self.missing_vectors,
            init=self.init,
            extend_vocab=self.extend_vocab,
            train=TrainConfig(
                epochs=self.epochs,
                batch_size=self.batch_size,
                optimizer=self.optimizer,
                learning_rate=self.learning_rate,
                patience=self.patience,
                refit=self.refit,
                freeze=self.freeze,
                seed=self.seed,
            ),
        )

    def fit(self, X: Sequence[str], y: Sequence[Any]) -> TextClassifier:
        """Train on texts `X` with labels `y` (any sortable labels: strings, ints...)."""
        from textnn.pipeline import train

        texts = _texts(X)
        labels = np.asarray(y)
        if labels.ndim != 1 or len(labels) != len(texts):
            raise ValueError(
                f"y must hold one label per text: {len(texts)} texts, y of shape {labels.shape}"
            )
        classes, encoded = np.unique(labels, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(f"y holds one class only ({classes[0]!r}); a classifier needs two")
        dataset = Dataset(
            "in-memory",
            [str(c) for c in classes],
            {"train": Examples(texts, encoded.astype(np.int32))},
        )
        result = train(
            self.run_config(),
            None,
            dataset=dataset,
            echo=print if self.verbose else _quiet,
            progress=bool(self.verbose),
            devices=self.devices,
        )
        self.classes_ = classes
        self.predictor_ = result.predictor
        self.history_ = result.history.epochs
        return self

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """<float32>[n_texts, n_classes]: columns in the order of `classes_`."""
        check_is_fitted(self, "predictor_")
        return self.predictor_.predict_proba(_texts(X))

    def predict(self, X: Sequence[str]) -> np.ndarray:
        check_is_fitted(self, "predictor_")
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def save(self, path: str | Path) -> None:
        """A run directory (`textnn predict` and `textnn.load` read it) plus this estimator's
        parameters and classes."""
        from textnn.run import save_run

        check_is_fitted(self, "predictor_")
        path = Path(path)
        save_run(
            path, self.predictor_, dataset="in-memory", config_dict=self.run_config().to_dict()
        )
        record = {"format": FORMAT, "params": self.get_params(), "classes": self.classes_.tolist()}
        (path / ESTIMATOR_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> TextClassifier:
        """The fitted estimator that `save` wrote."""
        from textnn.jsonfile import read_document
        from textnn.run import load

        path = Path(path)
        file = path / ESTIMATOR_FILE
        if not file.is_file():
            raise DataError(
                f"no {ESTIMATOR_FILE}: not saved by TextClassifier.save (a run directory from "
                "`textnn train` loads with textnn.load)",
                path=path,
            )
        record = read_document(file, FORMAT, "estimator")
        estimator = cls(**record["params"])
        estimator.predictor_ = load(path)
        estimator.classes_ = np.asarray(record["classes"])
        estimator.history_ = []
        return estimator

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.input_tags.one_d_array = True
        tags.non_deterministic = False
        return tags


def _texts(X) -> list[str]:
    """A 1-D sequence of strings (list, tuple, numpy array, pandas Series) as a list."""
    if isinstance(X, str):
        raise TypeError("X must be a sequence of texts, got a single string; wrap it in a list")
    array = np.asarray(X, dtype=object)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(
            f"X must be a 1-D sequence of texts (one per sample), got shape {array.shape}; "
            "a 2-D table needs a ColumnTransformer or a column picked out first"
        )
    for i, text in enumerate(array):
        if not isinstance(text, str):
            raise TypeError(f"X[{i}] is a {type(text).__name__}, not a string")
    return array.tolist()


def _quiet(_: str) -> None:
    return None

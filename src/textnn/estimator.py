"""`TextClassifier`: the scikit-learn face of textnn. Texts in, labels out; `get_params` /
`set_params` make it work with `clone`, `Pipeline`, `GridSearchCV` and `cross_val_score`.

Each fit runs the same pipeline as `textnn train` (vocabulary from the training texts,
pretrained vectors, a seeded validation split for choosing the best epoch) on in-memory data.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from textnn.config import DataConfig, RunConfig, TrainConfig
from textnn.data.dataset import Dataset, Examples
from textnn.errors import DataError
from textnn.train.thresholds import decide

ESTIMATOR_FILE, FORMAT = "estimator.json", "textnn.estimator"


# Every parameter and the RunConfig field it sets; the defaults are RunConfig's own, so there
# is one place for them. `model_options` None and `embeddings` "none" are accepted as well.
PARAMETERS = {
    "model": "model",
    "model_options": "model_options",
    "embeddings": "embeddings",
    "missing_vectors": "missing_vectors",
    "tokenizer": "text.tokenizer",
    "lowercase": "text.lowercase",
    "min_freq": "text.min_freq",
    "max_size": "text.max_size",
    "max_length": "text.max_length",
    "pad_multiple": "text.pad_multiple",
    "validation_fraction": "data.validation_fraction",
    "sentences": "data.sentences",
    "unlabeled": "data.unlabeled",
    "teacher": "teacher",
    "init": "init",
    "extend_vocab": "extend_vocab",
    **{name: f"train.{name}" for name in (f.name for f in fields(TrainConfig))},
}
_RUN = RunConfig()
_TRAIN = _RUN.train


class TextClassifier(ClassifierMixin, BaseEstimator):
    """A neural text classifier with the scikit-learn estimator API.

    Every parameter sets the run config field of `PARAMETERS` (the same settings as `textnn
    train`, with the same defaults; `textnn train --help` and `RunConfig` describe them):
    `model` (see `textnn models`) and `model_options` (a dict of the model's own settings, e.g.
    `{"channels": 200}`); `embeddings` (`glove-6b-50d`, a vectors file, or None / "none" for
    random ones) and `missing_vectors`; the tokenizer and vocabulary (`tokenizer`,
    `lowercase`, `min_freq`, `max_size`, `max_length`, `pad_multiple`);
    `validation_fraction` (held out of each fit to pick the best epoch; 0 keeps the last),
    `sentences`; `teacher` with `unlabeled` (pseudo-labelling); `init` (a trained run
    directory to fine-tune: as `textnn finetune`, the learning rate defaults to 1e-4 when more
    than the head learns) and `extend_vocab`; every training setting (`epochs`,
    `batch_size`, `optimizer`, `learning_rate`, `momentum`, `weight_decay`, `schedule`,
    `warmup_epochs`, `step_epochs`, `gamma`, `clip_norm`, `label_smoothing`,
    `class_weights`, `patience`, `freeze`, `refit`, `seed`); and `devices`, `verbose`.
    `model="auto"` (the default) picks settings from the data as `textnn train` does; with a
    `budget` (seconds, or "10m") it searches as `textnn autotune` does instead, maximising the
    validation `metric` (accuracy, macro_f1 or micro_f1; None: accuracy, or macro_f1 on
    multi-label data), and `predictor_` may be a soft vote.

    After `fit`: `classes_` (the labels, sorted, in their own type), `predictor_` (the
    textnn Predictor), `history_` (one dict per epoch; a refit's marked `refit`) and
    `config_` (the RunConfig it trained with: defaults resolved, a source run's settings
    inherited).

    >>> clf = TextClassifier(model="fasttext", embeddings=None, epochs=3)
    >>> clf.fit(["a great film", "a dull film", ...], ["pos", "neg", ...]).predict(["great"])
    """

    def __init__(
        self,
        model: str = _RUN.model,
        embeddings: str | None = _RUN.embeddings,
        missing_vectors: str = _RUN.missing_vectors,
        epochs: int = _TRAIN.epochs,
        batch_size: int = _TRAIN.batch_size,
        learning_rate: float | None = _TRAIN.learning_rate,
        optimizer: str = _TRAIN.optimizer,
        tokenizer: str = _RUN.text.tokenizer,
        lowercase: bool = _RUN.text.lowercase,
        max_length: int = _RUN.text.max_length,
        min_freq: int = _RUN.text.min_freq,
        max_size: int | None = _RUN.text.max_size,
        model_options: dict[str, Any] | None = None,
        validation_fraction: float = _RUN.data.validation_fraction,
        patience: int = _TRAIN.patience,
        refit: bool = _TRAIN.refit,
        freeze: str = _TRAIN.freeze,
        init: str | None = _RUN.init,
        extend_vocab: bool = _RUN.extend_vocab,
        seed: int = _TRAIN.seed,
        devices: int | str = 1,
        verbose: bool = False,
        *,
        pad_multiple: int = _RUN.text.pad_multiple,
        sentences: bool = _RUN.data.sentences,
        unlabeled: str | None = _RUN.data.unlabeled,
        teacher: str | None = _RUN.teacher,
        momentum: float = _TRAIN.momentum,
        weight_decay: float | None = _TRAIN.weight_decay,
        schedule: str = _TRAIN.schedule,
        warmup_epochs: float = _TRAIN.warmup_epochs,
        step_epochs: int = _TRAIN.step_epochs,
        gamma: float = _TRAIN.gamma,
        clip_norm: float | None = _TRAIN.clip_norm,
        label_smoothing: float = _TRAIN.label_smoothing,
        class_weights: str | list[float] = _TRAIN.class_weights,
        checkpoint_minutes: float | None = _TRAIN.checkpoint_minutes,
        checkpoint_keep: int = _TRAIN.checkpoint_keep,
        budget: str | float | None = None,
        metric: str | None = None,
    ):
        # scikit-learn's rule: store every parameter as given, validate in fit.
        for name, value in locals().items():
            if name != "self":
                setattr(self, name, value)

    def run_config(self) -> RunConfig:
        """The run config these parameters make (what `textnn train` would be given), its
        defaults not yet resolved (`RunConfig.validated` does that when fitting)."""
        base = RunConfig(data=DataConfig(name="in-memory", test_fraction=0.0))
        values = {path: getattr(self, name) for name, path in PARAMETERS.items()}
        values["model_options"] = dict(self.model_options or {})
        return base.with_overrides(values)

    def fit(self, X: Sequence[str], y: Any) -> TextClassifier:
        """Train on texts `X` with labels `y`: one label per text (any sortable labels:
        strings, ints...), or for multi-label data a list of label lists (`[["bug"],
        ["billing", "bug"], []]`) or a binary indicator matrix <int>[n_texts, n_classes], as
        scikit-learn's multi-label estimators take; `predict` then answers in the same form."""
        from textnn.runs.pipeline import train

        texts = _texts(X)
        classes, encoded, self.label_form_ = _encode_targets(y, len(texts))
        if len(classes) < 2:
            raise ValueError(f"y holds one class only ({classes[0]!r}); a classifier needs two")
        dataset = Dataset(
            "in-memory", [str(c) for c in classes], {"train": Examples(texts, encoded)}
        )
        echo = print if self.verbose else _quiet
        self.classes_ = classes
        if self.budget is not None:
            return self._autotune(dataset, echo)
        result = train(
            self.run_config(),
            None,
            dataset=dataset,
            echo=echo,
            progress=bool(self.verbose),
            devices=self.devices,
        )
        self.predictor_ = result.outputs  # the model, or its vote with partners (small data)
        self.history_ = result.history.epochs
        self.config_ = result.config
        self.partner_configs_ = [partner.config for partner in result.partners]
        self.autotune_ = None
        return self

    def _autotune(self, dataset: Dataset, echo) -> TextClassifier:
        from textnn.tune import autotune, parse_budget

        if self.model != "auto":
            raise ValueError(
                f"budget searches the models itself: give model='auto', not {self.model!r}"
            )
        result = autotune(
            self.run_config(),
            None,
            budget=parse_budget(self.budget),
            metric=self.metric,
            dataset=dataset,
            echo=echo,
        )
        self.predictor_ = result.outputs
        self.history_ = result.members[0].epochs
        self.config_ = result.members[0].config
        self.autotune_ = result
        return self

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """<float32>[n_texts, n_classes]: columns in the order of `classes_`."""
        check_is_fitted(self, "predictor_")
        return self.predictor_.predict_proba(_texts(X))

    def predict(self, X: Sequence[str]) -> Any:
        """Each text's label; multi-label: an indicator matrix <int64>[n_texts, n_classes], or
        a list of label lists (each in the order of `classes_`), as `y` was given to fit."""
        check_is_fitted(self, "predictor_")
        probabilities = self.predict_proba(X)
        if not getattr(self.predictor_, "multilabel", False):
            return self.classes_[probabilities.argmax(axis=1)]
        cut = self.predictor_.thresholds
        chosen = decide(probabilities, 0.5 if cut is None else cut)
        if self.label_form_ == "indicator":
            return chosen.astype(np.int64)
        return [self.classes_[row].tolist() for row in chosen]

    def save(self, path: str | Path) -> None:
        """A run directory (`textnn predict` and `textnn.load` read it) plus this estimator's
        parameters and classes."""
        from textnn.runs.directory import save_run
        from textnn.runs.partner import save_with_partners
        from textnn.tune.output import write_autotune_run

        check_is_fitted(self, "predictor_")
        path = Path(path)
        tuned = getattr(self, "autotune_", None)
        if tuned is not None:
            summary = {"chosen": [m.number for m in tuned.members], "metric": tuned.metric}
            write_autotune_run(
                path, tuned.members, tuned.trials, summary, None, "in-memory", tuned.thresholds
            )
        elif getattr(self, "partner_configs_", None):
            configs = [self.config_, *self.partner_configs_]
            save_with_partners(path, self.predictor_, configs, "in-memory")
        else:
            save_run(path, self.predictor_, dataset="in-memory", config_dict=self.config_.to_dict())
        record = {
            "format": FORMAT,
            "params": self.get_params(),
            "classes": self.classes_.tolist(),
            "label_form": self.label_form_,
        }
        (path / ESTIMATOR_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> TextClassifier:
        """The fitted estimator that `save` wrote."""
        from textnn.jsonfile import read_document
        from textnn.runs.ensemble import load_outputs

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
        estimator.predictor_ = load_outputs(path)
        estimator.classes_ = np.asarray(record["classes"])
        estimator.label_form_ = record.get("label_form", "labels")  # saved before multi-label
        estimator.history_ = []
        estimator.config_ = RunConfig.load(path / "config.json")
        return estimator

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.input_tags.one_d_array = True
        tags.non_deterministic = False
        return tags


def _encode_targets(y: Any, n: int) -> tuple[np.ndarray, np.ndarray, str]:
    """(classes, labels for Examples, form): form "labels" (one per text; <int32>[n] class
    ids), "lists" (label lists) or "indicator" (a 0/1 matrix); multi-label forms give
    <float32>[n, classes]."""
    if (
        isinstance(y, (list, tuple))
        and y
        and all(isinstance(item, (list, tuple, set, frozenset)) for item in y)
    ):
        if len(y) != n:
            raise ValueError(f"y must hold one label list per text: {n} texts, {len(y)} lists")
        classes = np.array(sorted({label for item in y for label in item}))
        index = {label: i for i, label in enumerate(classes.tolist())}
        matrix = np.zeros((n, len(classes)), np.float32)
        for row, item in enumerate(y):
            matrix[row, [index[label] for label in item]] = 1.0
        return classes, matrix, "lists"
    labels = np.asarray(y)
    if labels.ndim == 2 and len(labels) == n:
        if labels.dtype.kind not in "biuf" or not np.isin(labels, (0, 1)).all():
            raise ValueError(
                "a 2-D y is a multi-label indicator matrix and must hold only 0s and 1s"
            )
        return np.arange(labels.shape[1]), labels.astype(np.float32), "indicator"
    if labels.ndim != 1 or len(labels) != n:
        raise ValueError(
            f"y must hold one label per text (or a label list, or an indicator row): {n} "
            f"texts, y of shape {labels.shape}"
        )
    classes, encoded = np.unique(labels, return_inverse=True)
    return classes, encoded.astype(np.int32), "labels"


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

"""Run configuration: dataclasses for data, text, model and training, with a dict/JSON round
trip, TOML or JSON files, and dotted command-line overrides (`train.epochs=3`)."""

from __future__ import annotations

import dataclasses
import json
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from textnn.errors import DataError


@dataclass
class DataConfig:
    """`name`: a built-in dataset or a path; `options`: reader or dataset options
    (e.g. `text_column`, `sources`); `validation_fraction` of train is held out (stratified,
    seeded) for early stopping; `test_fraction` is carved from train only when the data has no
    test split; `unlabeled`: a file of unlabelled texts, one per line, for a run's `teacher`
    to label; `sentences`: once the splits are made, every text becomes its sentences, each
    labelled as its text (sentences under 3 words are left out, and the run says how many), so
    that a model learns short texts from labelled documents (a source run for sentence data).
    `multilabel`: None (default) follows the data (multi-label when a text holds several
    labels); true trains independent labels (a sigmoid each) even where each text has one, so
    that a prediction may carry none or several; false refuses data with several labels."""

    name: str = "imdb"
    test: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    validation_fraction: float = 0.1
    test_fraction: float = 0.1
    unlabeled: str | None = None
    sentences: bool = False
    multilabel: bool | None = None


@dataclass
class TextConfig:
    """Tokenizer and vocabulary (built from the training split only), and batch shapes."""

    tokenizer: str = "words"
    lowercase: bool = True
    min_freq: int = 1
    max_size: int | None = None
    max_length: int | str = "auto"  # "auto": from the training texts' lengths (runs/adaptive.py)
    pad_multiple: int = 16


@dataclass
class TrainConfig:
    """Optimisation. `optimizer`: adam, adamw or sgd (with `momentum`); `schedule`: constant,
    step (multiply by `gamma` every `step_epochs`) or cosine (with `warmup_epochs`);
    `clip_norm`: global gradient norm clip; `class_weights`: none, balanced, or one weight per
    class; `patience`: epochs without a better validation accuracy before stopping (0: never);
    `freeze`: what does not learn: `none`, `embeddings` (the word vector tables), or `encoder`
    (everything but the classification head; for runs that start from another run's `init`);
    `refit`: once validation has chosen the best epoch, train again from the start on train +
    validation for that many epochs and keep that model (scikit-learn's `refit`: no labelled
    example is left out of the final model; the run takes about twice as long).
    `learning_rate` None: 1e-3, or 1e-4 for a run that starts from another (`init`) and
    trains more than its new head (`default_learning_rate`). `weight_decay` (an L2 penalty
    added to the gradient; decoupled with `adamw`) None: 1e-3 for `nbsvm`, 0 for the other
    models (`default_weight_decay`). A run written to a folder saves
    a checkpoint (the whole training state) at each epoch's end and every
    `checkpoint_minutes` within one (None: no checkpoints), keeping the last
    `checkpoint_keep`: `textnn train --resume RUN` goes on from the newest to the result an
    uninterrupted run would give."""

    epochs: int | str = "auto"  # "auto": from the training split's size, with early stopping
    batch_size: int = 64
    optimizer: str = "adam"
    learning_rate: float | None = None  # None: default_learning_rate's rule
    momentum: float = 0.9
    weight_decay: float | None = None  # None: the model's own (default_weight_decay)
    schedule: str = "constant"
    warmup_epochs: float = 0.0
    step_epochs: int = 1
    gamma: float = 0.5
    clip_norm: float | None = None
    label_smoothing: float = 0.0
    class_weights: str | list[float] = "none"
    patience: int = 0
    freeze: str = "none"
    refit: bool = False
    seed: int = 0
    checkpoint_minutes: float | None = 5.0
    checkpoint_keep: int = 2


@dataclass
class RunConfig:
    """A whole run. `init`: a trained run directory to start from (transfer learning): its
    tokenizer, vocabulary, embeddings and encoder are kept and a new head is made for this
    data's classes; `text`, `model`, `model_options`, `embeddings` and `missing_vectors` then
    record the source run's settings. `extend_vocab` (with `init`): the words of this data's
    training split that the source's vocabulary lacks (seen `text.min_freq` times) join it
    with their `embeddings` vectors (`missing_vectors` where there is none), instead of all
    reading as `<unk>`.
    `missing_vectors`: the embedding rows of vocabulary words that `embeddings` has no vector
    for: `random` (normal, with the vectors' own spread) or `zeros` (as d2l and torchtext).
    `teacher`: a trained run directory that labels unlabelled texts
    (`data.unlabeled`, or the dataset's own, e.g. imdb's with data.options.unlabeled=true);
    they join the training split (pseudo-labelling), validation and test stay labelled only."""

    data: DataConfig = field(default_factory=DataConfig)
    text: TextConfig = field(default_factory=TextConfig)
    model: str = "auto"  # "auto": chosen from the data (runs/adaptive.py)
    model_options: dict[str, Any] = field(default_factory=dict)
    embeddings: str | None = "glove-6b-50d"  # None or "none": no pretrained vectors
    missing_vectors: str = "random"
    init: str | None = None
    extend_vocab: bool = False
    teacher: str | None = None
    train: TrainConfig = field(default_factory=TrainConfig)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def validated(self) -> RunConfig:
        """This config with its defaults resolved (the learning rate), after the checks that
        span fields; a DataError names the field. Training calls it first, so that a bad
        setting fails in a second, not after the data has loaded."""
        train = self.train
        for name in ("epochs", "batch_size"):
            value = getattr(train, name)
            if name == "epochs" and value == "auto":
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise DataError(
                    f"{name} must be a whole number of at least 1"
                    + (" or 'auto'" if name == "epochs" else "")
                    + f", got {value!r}",
                    field=f"train.{name}",
                )
        minutes = train.checkpoint_minutes
        if minutes is not None and (not isinstance(minutes, (int, float)) or minutes <= 0):
            raise DataError(
                f"checkpoint_minutes must be a positive number or null (none), got {minutes!r}",
                field="train.checkpoint_minutes",
            )
        length = self.text.max_length
        if length != "auto" and (not isinstance(length, int) or length < 1):
            raise DataError(
                f"max_length must be a whole number of at least 1 or 'auto', got {length!r}",
                field="text.max_length",
            )
        if self.data.multilabel is not None and not isinstance(self.data.multilabel, bool):
            raise DataError(
                f"multilabel must be true, false or null (from the data), got "
                f"{self.data.multilabel!r}",
                field="data.multilabel",
            )
        if self.model == "auto" and self.model_options:
            raise DataError(
                f"model_options {sorted(self.model_options)} are a model's own settings: name "
                "the model too (--model, or model=...), or leave both to be chosen from the data",
                field="model_options",
            )
        if self.missing_vectors not in MISSING_VECTORS:
            raise DataError(
                f"missing_vectors must be one of {', '.join(MISSING_VECTORS)}, "
                f"got {self.missing_vectors!r}",
                field="missing_vectors",
            )
        if self.init is None and train.freeze == "encoder":
            raise DataError(
                "freeze='encoder' keeps a trained encoder: give `init` (a run directory)",
                field="train.freeze",
            )
        if self.init is None and self.extend_vocab:
            raise DataError(
                "extend_vocab adds words to the vocabulary of the run given as `init`; without "
                "one, the vocabulary is built from the training split anyway",
                field="extend_vocab",
            )
        if train.refit and self.data.validation_fraction <= 0:
            raise DataError(
                "refit trains again for the best validation epoch: it needs a validation split "
                "(data.validation_fraction > 0)",
                field="train.refit",
            )
        if "test" in self.data.options:
            raise DataError(
                "the test file is a setting of its own: data.test (--test FILE), not a reader "
                "option",
                field="data.options.test",
            )
        for field_name, given in (
            ("data.unlabeled", self.data.unlabeled),
            ("data.options.unlabeled", self.data.options.get("unlabeled")),
        ):
            if given and not self.teacher:
                raise DataError(
                    "unlabelled texts are used only with a teacher run", field=field_name
                )
        rate = train.learning_rate
        # Model "auto" (not fine-tuning): the rule of the model chosen from the data.
        if rate is None and (self.model != "auto" or self.init is not None):
            rate = default_learning_rate(train.freeze, fine_tuning=self.init is not None)
        decay = train.weight_decay
        number = isinstance(decay, (int, float)) and not isinstance(decay, bool)
        if decay is not None and not (number and decay >= 0):
            raise DataError(
                f"must be a number at least 0, got {decay!r}", field="train.weight_decay"
            )
        # nbsvm's (or "auto"'s) is resolved with its other data-dependent settings
        if decay is None and self.model not in ("auto", "nbsvm"):
            decay = default_weight_decay(self.model)
        no_vectors = isinstance(self.embeddings, str) and self.embeddings.lower() == "none"
        return dataclasses.replace(
            self,
            embeddings=None if no_vectors else self.embeddings,
            train=dataclasses.replace(train, learning_rate=rate, weight_decay=decay),
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str = "config") -> RunConfig:
        return _build(cls, data, where)

    @classmethod
    def load(cls, path: str | Path, base: RunConfig | None = None) -> RunConfig:
        """A TOML (.toml) or JSON file; with `base`, the file's values over `base`'s (a table
        the file gives is merged key by key, so it may name only what it changes)."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
            data = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
        except FileNotFoundError:
            raise DataError("config file not found", path=path) from None
        except (tomllib.TOMLDecodeError, json.JSONDecodeError) as err:
            raise DataError(f"cannot parse the config ({err})", path=path) from None
        if base is not None:
            data = _merged(base.to_dict(), data)
        return cls.from_dict(data, where=str(path))

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")

    def with_overrides(self, overrides: dict[str, Any]) -> RunConfig:
        """A copy with dotted keys replaced, e.g. {"train.epochs": 3, "model": "bilstm"}."""
        data = self.to_dict()
        for key, value in overrides.items():
            node, parts = data, key.split(".")
            for part in parts[:-1]:
                if not isinstance(node.get(part), dict):
                    raise DataError(f"unknown config section {part!r} in {key!r}")
                node = node[part]
            if parts[-1] not in node and not (len(parts) > 1 and parts[-2].endswith("options")):
                raise DataError(f"unknown config field {key!r}")
            node[parts[-1]] = value
        return RunConfig.from_dict(data)


MISSING_VECTORS = ("random", "zeros")  # how rows without a pretrained vector start


def default_weight_decay(model: str) -> float:
    """1e-3 for `nbsvm`: without it, Adam gives each of its millions of rarely seen n-gram
    weights as large a step as a common word's, and it overfits in an epoch (train accuracy
    0.89 against 0.48 on held-out texts of GoEmotions' 28 classes); chosen on held-out parts
    of training splits (docs/benchmarks.md). 0 for the networks, whose dropout regularises
    them."""
    return 1e-3 if model == "nbsvm" else 0.0


def default_learning_rate(freeze: str, fine_tuning: bool) -> float:
    """1e-3; fine-tuning a trained run with more than its new head learning: 1e-4, so that
    the trained encoder is nudged rather than overwritten (`textnn finetune`'s rule, and
    `TextClassifier(init=...)`'s)."""
    return 1e-4 if fine_tuning and freeze != "encoder" else 1e-3


def _merged(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        both_tables = isinstance(value, dict) and isinstance(out.get(key), dict)
        out[key] = _merged(out[key], value) if both_tables else value
    return out


def _build(cls, data: dict[str, Any], where: str):
    if not isinstance(data, dict):
        raise DataError(f"{cls.__name__} must be a table, got {type(data).__name__}", path=where)
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise DataError(
            f"unknown field(s) {unknown} in {cls.__name__}; known: {sorted(known)}", path=where
        )
    values = {}
    for name, value in data.items():
        nested = {"data": DataConfig, "text": TextConfig, "train": TrainConfig}.get(name)
        values[name] = _build(nested, value, where) if cls is RunConfig and nested else value
    return cls(**values)

"""A run's data: the dataset its config names, split into train, validation and test as
every caller of the run sees them (training, evaluation, the report)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import numpy as np

from textnn.config import RunConfig
from textnn.data import load_dataset, train_validation_split
from textnn.data.dataset import Dataset, Examples
from textnn.data.registry import DATASETS
from textnn.data.sentences import MIN_WORDS, split_sentences
from textnn.data.text_files import read_lines
from textnn.errors import DataError

Echo = Callable[[str], None]


def with_absolute_paths(config: RunConfig) -> RunConfig:
    """`config` with every path it names (data, test and unlabelled files, vectors file, teacher
    and source runs) made absolute, so that the run it describes reads the same files from any
    working directory (`textnn evaluate RUN` elsewhere). Built-in names stay names."""

    def absolute(value: str | None) -> str | None:
        if value is None or value in DATASETS or not Path(value).expanduser().exists():
            return value
        return str(Path(value).expanduser().resolve())

    data = dataclasses.replace(
        config.data,
        name=absolute(config.data.name),
        test=absolute(config.data.test),
        unlabeled=absolute(config.data.unlabeled),
    )
    return dataclasses.replace(
        config,
        data=data,
        embeddings=absolute(config.embeddings),
        teacher=absolute(config.teacher),
        init=absolute(config.init),
    )


def named_dataset(config: RunConfig) -> Dataset:
    """The dataset that `config.data` names, with its options."""
    return load_dataset(config.data.name, test=config.data.test, **config.data.options)


def unlabeled_texts(config: RunConfig, dataset: Dataset) -> list[str]:
    """The unlabelled texts a run may learn from: the file `config.data.unlabeled` (one text
    per line), else the dataset's own (IMDb's with data.options.unlabeled=true); none
    without them."""
    if config.data.unlabeled:
        return read_lines(config.data.unlabeled)
    return list(dataset.unlabeled or [])


def split_data(
    config: RunConfig, echo: Echo, dataset: Dataset | None = None
) -> tuple[list[str], Examples, Examples | None, Examples | None]:
    """(label names, train, validation, test) of `dataset`, or else of the dataset that
    `config.data` names: the official test split where one exists, else a seeded stratified
    `test_fraction` of train; validation is the dataset's own validation split where it has one,
    else carved from what remains (none when `validation_fraction` is 0: then training runs all
    its epochs and keeps the last). With
    `data.sentences`, each split's texts then become their sentences."""
    dataset = label_form(dataset or named_dataset(config), config.data.multilabel)
    train, test = dataset.train, dataset.test
    seed = config.train.seed
    if test is None and config.data.test_fraction > 0:
        train, test = train_validation_split(train, config.data.test_fraction, seed=seed + 1)
        echo(
            f"no test split: holding out {len(test):,} examples ({config.data.test_fraction:.0%},"
            f" seed {seed + 1}) as test"
        )
    present = (train.labels.sum(axis=0) > 0).sum() if train.multilabel else len(set(train.labels))
    if present < 2:
        raise DataError("the training split holds one class only; a classifier needs two")
    val = None
    if "validation" in dataset.splits and config.data.validation_fraction > 0:
        val = dataset["validation"]  # the dataset's own (GoEmotions' dev split)
    elif config.data.validation_fraction > 0:
        train, val = train_validation_split(train, config.data.validation_fraction, seed=seed)
    if config.data.sentences:  # after the splits, so that a text's sentences share its split
        train, val, test = (
            None if part is None else sentences_of(part, name, echo)
            for part, name in ((train, "train"), (val, "validation"), (test, "test"))
        )
    return dataset.label_names, train, val, test


def label_form(dataset: Dataset, multilabel: bool | None) -> Dataset:
    """`dataset` as `data.multilabel` asks: as it is (None), each split's labels as an
    indicator matrix (True: one label per text becomes a row with one 1), or refused when a
    text holds several labels (False)."""
    if multilabel is None or multilabel == dataset.multilabel:
        return dataset
    if not multilabel:
        raise DataError(
            "the data gives several labels to some texts, and data.multilabel is false: set it "
            "to true (or leave it out) to train a multi-label run",
            field="data.multilabel",
        )
    eye = np.eye(len(dataset.label_names), dtype=np.float32)
    splits = {name: Examples(part.texts, eye[part.labels]) for name, part in dataset.splits.items()}
    return dataclasses.replace(dataset, splits=splits)


def sentences_of(examples: Examples, split: str, echo: Echo) -> Examples:
    sentences, short = split_sentences(examples)
    echo(
        f"data.sentences: {split} {len(examples):,} texts -> {len(sentences):,} sentences"
        f" ({short:,} under {MIN_WORDS} words left out)"
    )
    if not len(sentences):
        raise DataError(
            f"data.sentences: the {split} split has no sentence of {MIN_WORDS} words or more",
            field="data.sentences",
        )
    return sentences

"""Pseudo-labelling (self-training): a trained teacher run labels unlabelled texts, which then
join the training split. Validation and test stay labelled only, so early stopping and the
test score still measure against real labels.

The teacher may be any model (e.g. `nbsvm`) and the student another (e.g. `textcnn`): the
student learns from many more texts than were labelled, which is how a TextCNN on IMDb gains
from the 50,000 unlabelled `unsup` reviews.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from textnn.config import RunConfig
from textnn.data.dataset import Dataset, Examples
from textnn.errors import DataError
from textnn.runs.data import unlabeled_texts
from textnn.runs.directory import load
from textnn.runs.predictor import Predictor


def texts_to_label(config: RunConfig, dataset: Dataset) -> list[str]:
    """The texts to pseudo-label (`runs.data.unlabeled_texts`): an error where there are
    none."""
    if texts := unlabeled_texts(config, dataset):
        return texts
    if config.data.unlabeled:
        raise DataError(
            "holds no text to label: give one text per line", path=config.data.unlabeled
        )
    raise DataError(
        "a teacher labels unlabelled texts, and this data has none: give a file with one text "
        "per line (--set data.unlabeled=FILE), or for imdb --set data.options.unlabeled=true",
        field="teacher",
    )


@dataclass(frozen=True)
class Teacher:
    """A trained run that labels texts: its directory, predictor and config."""

    directory: Path
    predictor: Predictor
    config: RunConfig


def load_teacher(config: RunConfig) -> Teacher:
    """The run that `config.teacher` names (a missing or damaged one raises DataError)."""
    directory = Path(config.teacher)
    return Teacher(directory, load(directory), RunConfig.load(directory / "config.json"))


def check_teacher(
    config: RunConfig,
    teacher: Teacher,
    label_names: list[str],
    echo: Callable[[str], None],
    multilabel: bool = False,
) -> None:
    """The teacher must know the data's classes (in any order); neither it nor the data
    (`multilabel`) may be multi-label. Warns when it learnt from the
    same data split another way: its training examples may then be this run's validation or
    test examples, whose scores it would flatter."""
    known = teacher.predictor.label_names
    if teacher.predictor.multilabel or multilabel:
        raise DataError(
            "self-training labels each text with the teacher's one most probable class: it "
            "takes single-label data and a single-label teacher, not multi-label ones",
            path=teacher.directory,
        )
    if sorted(known) != sorted(label_names):
        raise DataError(
            f"the teacher's classes {known} differ from the data's {label_names}",
            path=teacher.directory,
        )
    ours, theirs = config, teacher.config
    if theirs.data.name != ours.data.name:
        return
    same = (
        ours.train.seed == theirs.train.seed
        and ours.data.validation_fraction == theirs.data.validation_fraction
        and ours.data.test_fraction == theirs.data.test_fraction
        and ours.data.test == theirs.data.test
    )
    if not same:
        echo(
            "warning: the teacher was trained on the same data with another seed or split "
            "fractions; its training examples may be this run's validation or test examples, "
            "whose accuracy would then be optimistic"
        )


def pseudo_labelled(
    teacher: Teacher, texts: list[str], label_names: list[str], echo: Callable[[str], None]
) -> Examples:
    """`texts` labelled with the teacher's most probable class, as ids into `label_names`
    (the teacher's classes, checked by `check_teacher`, mapped by name)."""
    predictor = teacher.predictor
    probabilities = predictor.predict_proba(texts)
    ours = {name: i for i, name in enumerate(label_names)}
    to_ours = np.array([ours[name] for name in predictor.label_names], np.int32)
    labels = to_ours[probabilities.argmax(-1)]
    counts = np.bincount(labels, minlength=len(label_names))
    echo(
        f"teacher {teacher.directory} ({predictor.model_name}) labelled {len(texts):,} unlabelled "
        f"texts: {', '.join(f'{n} {c:,}' for n, c in zip(label_names, counts, strict=True))}; "
        f"mean confidence {probabilities.max(-1).mean():.3f}"
    )
    return Examples(list(texts), labels)

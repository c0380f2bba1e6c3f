"""Pseudo-labelling: a teacher run labels unlabelled texts, which join the training split."""

import json

import pytest
from click.testing import CliRunner

from tests.helpers import STUDENT_WORDS, TEACHER_WORDS, config, quiet, texts_with, toy_csv
from textnn.cli import main
from textnn.data.dataset import Dataset
from textnn.errors import DataError
from textnn.runs.directory import load
from textnn.runs.pipeline import train


@pytest.fixture(scope="module")
def teacher(tmp_path_factory):
    """A run trained with its classes in the other order (pos first), so that its class ids
    must be mapped to the student's by name."""
    names = ["pos", "neg"]
    data = Dataset("teacher", names, {"train": texts_with(TEACHER_WORDS, names, 300, seed=1)})
    out = tmp_path_factory.mktemp("teacher") / "run"
    cfg = config("teacher", **{"train.learning_rate": 0.01, "data.test_fraction": 0.0})
    train(cfg, out, dataset=data, echo=quiet)
    return out


def student_data(unlabeled=True):
    names = ["neg", "pos"]
    return Dataset(
        "student",
        names,
        {
            "train": texts_with(STUDENT_WORDS, names, 200, seed=2),
            "test": texts_with(TEACHER_WORDS, names, 200, seed=3),
        },
        unlabeled=texts_with(TEACHER_WORDS, names, 400, seed=4).texts if unlabeled else None,
    )


def test_the_student_learns_what_only_the_teacher_knew(teacher):
    lr = {"train.learning_rate": 0.01}
    alone = train(config("student", **lr), None, dataset=student_data(), echo=quiet)
    lines = []
    taught = train(
        config("student", teacher=str(teacher), **lr),
        None,
        dataset=student_data(),
        echo=lines.append,
    )
    # Alone, the test's sentiment words were never seen in a labelled text: a coin toss.
    assert alone.report["accuracy"] < 0.7, alone.report
    assert taught.report["accuracy"] > 0.95, taught.report
    assert any("labelled 400 unlabelled texts" in line for line in lines), lines
    # 200 labelled minus 10% validation, plus 400 pseudo-labelled
    assert any("train 580, validation 20" in line for line in lines), lines


def test_the_unlabelled_file_feeds_the_cli(teacher, tmp_path):
    data = toy_csv(tmp_path / "toy.csv", n=120)
    unlabeled = tmp_path / "unlabeled.txt"
    unlabeled.write_text("\n".join(texts_with(TEACHER_WORDS, ["neg", "pos"], 50, 5).texts) + "\n")
    out = tmp_path / "run"
    args = ["train", "--data", str(data), "--teacher", str(teacher), "--embeddings", "none"]
    args += ["--epochs", "1", "--set", f"data.unlabeled={unlabeled}", "--out", str(out)]
    args += [
        "--model",
        "textcnn",
        "--set",
        "model_options.channels=8",
        "--set",
        "text.max_length=32",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "labelled 50 unlabelled texts" in result.output
    saved = json.loads((out / "config.json").read_text())
    assert saved["teacher"] == str(teacher) and saved["data"]["unlabeled"] == str(unlabeled)
    assert load(out).predict_proba(["a great film"]).shape == (1, 2)


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("a great film\n\nthe plot\n", r"unlabeled.txt, line 2"),
        ("", r"unlabeled.txt: holds no text"),
    ],
    ids=["a blank line", "an empty file"],
)
def test_a_bad_unlabelled_file_is_named(teacher, tmp_path, content, error):
    unlabeled = tmp_path / "unlabeled.txt"
    unlabeled.write_text(content)
    cfg = config("student", teacher=str(teacher), **{"data.unlabeled": str(unlabeled)})
    with pytest.raises(DataError, match=error):
        train(cfg, None, dataset=student_data(unlabeled=False), echo=quiet)


def test_errors_name_what_is_missing(teacher, tmp_path):
    with pytest.raises(DataError, match=r"data\.unlabeled=FILE"):
        train(
            config("student", teacher=str(teacher)),
            None,
            dataset=student_data(unlabeled=False),
            echo=quiet,
        )
    with pytest.raises(DataError, match="only with a teacher"):
        train(
            config("student", **{"data.unlabeled": "x.txt"}),
            None,
            dataset=student_data(),
            echo=quiet,
        )
    with pytest.raises(DataError, match=r"data\.options\.unlabeled.*only with a teacher"):
        # before imdb's 50,000 unlabelled reviews are loaded for nothing
        train(config("imdb", **{"data.options": {"unlabeled": True}}), None, echo=quiet)
    with pytest.raises(DataError, match="run directory not found"):
        # before any data: the dataset named does not exist either
        train(config(tmp_path / "missing.csv", teacher=str(tmp_path / "nope")), None, echo=quiet)
    names = ["neg", "pos", "meh"]
    three = Dataset(
        "three", names, {"train": texts_with({**TEACHER_WORDS, "meh": ["so"]}, names, 60, 6)}
    )
    with pytest.raises(DataError, match="teacher's classes"):
        train(config("three", teacher=str(teacher)), None, dataset=three, echo=quiet)


def test_a_teacher_from_another_split_of_the_same_data_is_flagged(teacher):
    lines = []
    cfg = config("teacher", teacher=str(teacher), **{"train.epochs": 1, "train.seed": 7})
    data = student_data()
    data.name = "teacher"
    train(cfg, None, dataset=data, echo=lines.append)
    assert any(line.startswith("warning: the teacher was trained") for line in lines), lines
    lines.clear()
    train(
        config("student", teacher=str(teacher), **{"train.epochs": 1}),
        None,
        dataset=student_data(),
        echo=lines.append,
    )
    assert not any(line.startswith("warning") for line in lines), lines


def test_with_data_sentences_the_taught_texts_become_sentences_too(teacher):
    """Each unlabelled text is labelled whole by the teacher, then split like the labelled texts:
    both of its sentences join the training split with the text's label."""
    data = student_data()
    pairs = data.unlabeled
    data.unlabeled = [f"{a}. {b}." for a, b in zip(pairs[::2], pairs[1::2], strict=True)]
    lines = []
    cfg = config("student", teacher=str(teacher), **{"data.sentences": True})
    train(cfg, None, dataset=data, echo=lines.append)
    assert any("labelled 200 unlabelled texts" in line for line in lines), lines
    assert any("unlabelled 200 texts -> 400 sentences" in line for line in lines), lines
    # labelled: 180 one-sentence texts after validation; taught: 400 sentences
    assert any("train 580, validation 20" in line for line in lines), lines

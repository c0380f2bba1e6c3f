"""Refit: once validation has chosen the epoch count, train again from the start on train +
validation, so that no labelled example is left out of the final model."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from tests.helpers import STUDENT_WORDS, TEACHER_WORDS, config, quiet, texts_with, toy_csv
from textnn.cli import main
from textnn.data import train_validation_split
from textnn.data.dataset import Dataset, Examples
from textnn.errors import DataError
from textnn.estimator import TextClassifier
from textnn.models.params import parameter_arrays
from textnn.runs.data import split_data
from textnn.runs.pipeline import train

NAMES = ["neg", "pos"]
# Sentiment words that only the validation split holds (beside the words every split holds).
ONLY_IN_VALIDATION = TEACHER_WORDS


def data_with_words_only_validation_sees(fraction: float, seed: int) -> Dataset:
    """Train texts tell their class by STUDENT_WORDS. The examples that the run's seeded split
    will hold out for validation also carry a word of ONLY_IN_VALIDATION; the test texts carry
    those words alone, so only a model that learnt from validation can read them."""
    labelled = texts_with(STUDENT_WORDS, NAMES, 300, seed=2)
    extra = texts_with(ONLY_IN_VALIDATION, NAMES, 300, seed=3)  # same labels, index by index
    numbered = Examples([str(i) for i in range(300)], labelled.labels)
    _, held_out = train_validation_split(numbered, fraction, seed=seed)
    texts = list(labelled.texts)
    for i in map(int, held_out.texts):
        assert extra.labels[i] == labelled.labels[i]
        texts[i] = f"{texts[i]} {extra.texts[i]}"
    test = texts_with(ONLY_IN_VALIDATION, NAMES, 200, seed=4)
    return Dataset("refit", NAMES, {"train": Examples(texts, labelled.labels), "test": test})


def refit_config(refit: bool, **overrides):
    values = {
        "data.validation_fraction": 0.2,
        "train.epochs": 6,
        "train.learning_rate": 0.01,
        "train.refit": refit,
        **overrides,
    }
    return config("refit", **values)


def test_the_refit_model_learns_from_the_validation_examples(tmp_path):
    data = data_with_words_only_validation_sees(0.2, seed=0)
    plain = train(refit_config(False), None, dataset=data, echo=quiet)
    lines = []
    refit = train(refit_config(True), tmp_path / "run", dataset=data, echo=lines.append)
    # Both choose the same epoch count on the same validation split.
    assert refit.history.best_epoch == plain.history.best_epoch
    assert refit.history.refit_epochs == refit.history.best_epoch
    # Without refit the validation-only words are unknown tokens: a coin toss on test.
    # (Over seeds 0-3 and fractions 0.2-0.3: plain <= 0.515, refit >= 0.735.)
    assert plain.report["accuracy"] < 0.6
    assert refit.report["accuracy"] > 0.7
    assert set(ONLY_IN_VALIDATION["pos"]) <= set(refit.predictor.vocab.stoi)
    records = [
        json.loads(line) for line in (tmp_path / "run/metrics.jsonl").read_text().splitlines()
    ]
    assert sum(bool(r.get("refit")) for r in records) == refit.history.best_epoch
    assert any(f"for {refit.history.best_epoch} epochs" in line for line in lines)


def test_a_fine_tuning_refit_starts_again_from_the_source_run(tmp_path):
    """With `init`, the refit starts from the source's parameters, not from the first fit's:
    it ends bit-identical to one fine-tuning run on train + validation for as many epochs."""
    data = data_with_words_only_validation_sees(0.2, seed=0)
    source = tmp_path / "source"
    train(refit_config(False), source, dataset=data, echo=quiet)
    tuned = refit_config(True, init=str(source), **{"train.learning_rate": 0.003})
    refit = train(tuned, None, dataset=data, echo=quiet)
    _, train_ex, val_ex, test_ex = split_data(tuned, quiet, data)
    both = Dataset("refit", NAMES, {"train": train_ex + val_ex, "test": test_ex})
    epochs = refit.history.refit_epochs
    once = tuned.with_overrides(
        {"train.refit": False, "data.validation_fraction": 0.0, "train.epochs": epochs}
    )
    direct = train(once, None, dataset=both, echo=quiet)
    assert epochs == refit.history.best_epoch
    for name, value in parameter_arrays(direct.predictor.model).items():
        np.testing.assert_array_equal(parameter_arrays(refit.predictor.model)[name], value)
    np.testing.assert_array_equal(refit.test_probabilities, direct.test_probabilities)


def test_refit_needs_a_validation_split(tmp_path):
    data = data_with_words_only_validation_sees(0.2, seed=0)
    with pytest.raises(DataError, match=r"train\.refit.*validation split"):
        train(refit_config(True, **{"data.validation_fraction": 0.0}), None, dataset=data)


def test_the_estimator_refits_on_everything_it_is_given():
    data = data_with_words_only_validation_sees(0.2, seed=0)
    model_options = {"channels": 16, "embed_dim": 16}
    params = dict(model="textcnn", embeddings=None, epochs=6, learning_rate=0.01, max_length=32,
                  model_options=model_options, validation_fraction=0.2)  # fmt: skip
    clf = TextClassifier(refit=True, **params).fit(data.train.texts, data.train.labels)
    assert clf.get_params()["refit"] is True
    refit_rows = [e for e in clf.history_ if e.get("refit")]
    assert 1 <= len(refit_rows) <= 6
    assert set(ONLY_IN_VALIDATION["pos"]) <= set(clf.predictor_.vocab.stoi)


def test_the_cli_refits_and_flags_its_validation_split_as_seen(tmp_path):
    data = toy_csv(tmp_path / "toy.csv")
    out = tmp_path / "run"
    args = ["train", "--data", str(data), "--model", "fasttext", "--embeddings", "none"]
    args += ["--epochs", "3", "--set", "train.refit=true", "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "refit: training again from the start on train + validation" in result.output
    assert json.loads((out / "config.json").read_text())["train"]["refit"] is True
    result = CliRunner().invoke(main, ["evaluate", str(out), "--split", "validation"])
    assert result.exit_code == 0, result.output
    assert "its validation split is not held out" in result.stderr
    result = CliRunner().invoke(main, ["evaluate", str(out)])
    assert "not held out" not in result.stderr

"""autotune from a trained run (`--init RUN`): the run's network fine-tuned on the search's data
takes the place of its family's first trial, and is drawn beside the other families."""

import json

import optuna
import pytest
from click.testing import CliRunner

from tests.helpers import texts_with, toy_csv
from tests.tune.test_autotune import WORDS, small_dataset
from tests.tune.test_given_vectors import _profile
from textnn.cli import main
from textnn.config import RunConfig
from textnn.data.dataset import Dataset
from textnn.errors import DataError
from textnn.runs.ensemble import load_outputs
from textnn.runs.pipeline import train
from textnn.tune import autotune
from textnn.tune.space import FINETUNE, GLOVE, enqueued, first_trials, suggest


@pytest.mark.parametrize(
    ("source", "models"),
    [
        ("textcnn", ["nbsvm", "nbsvm", FINETUNE, "bilstm", "fasttext"]),
        ("bilstm", ["nbsvm", "nbsvm", "textcnn", FINETUNE, "fasttext"]),
        ("mlp", ["nbsvm", "nbsvm", FINETUNE, "bilstm", "fasttext"]),
        (None, ["nbsvm", "nbsvm", "textcnn", "bilstm", "fasttext"]),
    ],
)
def test_the_fine_tuning_takes_its_familys_place_among_the_first_trials(source, models):
    assert [p["model"] for p in first_trials(GLOVE, source)] == models


@pytest.fixture(scope="module")
def source_run(tmp_path_factory):
    """A small textcnn run of other texts of the same two classes."""
    out = tmp_path_factory.mktemp("source") / "run"
    other = texts_with(WORDS, ["neg", "pos"], 200, seed=7)
    data = Dataset("other", ["neg", "pos"], {"train": other})
    config = RunConfig(model="textcnn", embeddings=None).with_overrides({"train.epochs": 2})
    train(config, out, dataset=data, echo=lambda _: None)
    return out


def test_a_fine_tuning_trial_starts_from_the_run_and_grows_its_vocabulary(source_run):
    base = RunConfig().with_overrides({"init": str(source_run)})
    (params,) = [p for p in first_trials(GLOVE, "textcnn") if p["model"] == FINETUNE]
    config = suggest(optuna.trial.FixedTrial(enqueued(params)), _profile(), base)
    assert config.init == str(source_run) and config.extend_vocab
    assert config.model == "textcnn" and config.train.learning_rate == 3e-4
    # the other families start afresh
    nbsvm = first_trials(GLOVE, "textcnn")[0]
    fresh = suggest(optuna.trial.FixedTrial(enqueued(nbsvm)), _profile(), base)
    assert fresh.init is None and not fresh.extend_vocab and fresh.model == "nbsvm"


def test_autotune_from_a_run_fine_tunes_it_and_writes_a_run_that_predicts(source_run, tmp_path):
    out = tmp_path / "run"
    base = RunConfig().with_overrides({"init": str(source_run)})
    result = autotune(base, out, budget=30.0, dataset=small_dataset(), echo=lambda _: None)
    tuned = next(r for r in result.trials if r["params"]["model"] == FINETUNE)  # the third
    assert tuned["state"] == "complete", tuned
    assert tuned["config"]["init"] == str(source_run) and tuned["config"]["extend_vocab"]
    outputs = load_outputs(out)
    assert outputs.predict(["a great wonderful film", "an awful boring film"]) == ["pos", "neg"]
    records = [json.loads(line) for line in (out / "autotune.jsonl").read_text().splitlines()]
    assert any(r.get("params", {}).get("model") == FINETUNE for r in records)


def test_init_that_is_not_a_run_is_a_usage_error(tmp_path):
    data = toy_csv(tmp_path / "toy.csv", n=60)
    (tmp_path / "empty").mkdir()
    args = ["autotune", "--data", str(data), "--init", str(tmp_path / "empty"),
            "--out", str(tmp_path / "r")]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "holds no run" in result.output, result.output
    assert str(tmp_path / "empty") in result.output
    assert not (tmp_path / "r").exists()


def test_a_run_that_cannot_be_fine_tuned_is_refused_before_the_search(tmp_path):
    nbsvm = tmp_path / "nbsvm"
    other = texts_with(WORDS, ["neg", "pos"], 60, seed=7)
    config = RunConfig(model="nbsvm").with_overrides({"train.epochs": 1})
    train(config, nbsvm, dataset=Dataset("other", ["neg", "pos"], {"train": other}),
          echo=lambda _: None)  # fmt: skip
    base = RunConfig().with_overrides({"init": str(nbsvm)})
    with pytest.raises(DataError, match="no separate classification head"):
        autotune(base, tmp_path / "r", budget=20.0, dataset=small_dataset(), echo=lambda _: None)
    assert not (tmp_path / "r").exists()

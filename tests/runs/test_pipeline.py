"""One run end to end on small data made here: training, early stopping, every model family,
the run directory, evaluation on the run's own splits, and prediction."""

import json
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import config, toy_csv
from textnn.config import RunConfig
from textnn.errors import DataError, DataWarning
from textnn.runs.data import split_data
from textnn.runs.directory import load
from textnn.runs.evaluate import evaluate_run
from textnn.runs.pipeline import train


def test_learns_a_separable_task_and_the_run_reloads_bit_identically(tmp_path):
    data = toy_csv(tmp_path / "toy.csv")
    cfg = config(data, **{"train.learning_rate": 0.01})
    result = train(cfg, tmp_path / "run", echo=lambda _: None)
    assert result.report["accuracy"] > 0.9
    for name in (
        "run.json",
        "config.json",
        "vocab.json",
        "params.safetensors",
        "metrics.jsonl",
        "report.json",
    ):
        assert (tmp_path / "run" / name).is_file()
    epochs = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").open()]
    assert [e["epoch"] for e in epochs] == [1, 2, 3, 4]
    texts = ["a great film", "an awful plot", "wonderful and lovely"]
    loaded = load(tmp_path / "run")
    np.testing.assert_array_equal(
        loaded.predict_proba(texts), result.predictor.predict_proba(texts)
    )
    assert loaded.predict(texts) == ["pos", "neg", "pos"]
    again = evaluate_run(loaded, RunConfig.load(tmp_path / "run" / "config.json"))
    assert again["confusion_matrix"] == result.report["confusion_matrix"]
    # the test probabilities that the report came from, in the test split's order
    test = split_data(cfg, lambda _: None)[3]
    np.testing.assert_array_equal(result.test_probabilities, loaded.predict_proba(test.texts))


def test_same_seed_same_metrics(tmp_path):
    data = toy_csv(tmp_path / "toy.csv", n=120)
    runs = [
        train(config(data, **{"train.epochs": 2}), tmp_path / f"r{i}", echo=lambda _: None)
        for i in range(2)
    ]
    strip = [
        [
            {k: v for k, v in e.items() if k not in ("seconds", "examples_per_s")}
            for e in r.history.epochs
        ]
        for r in runs
    ]
    assert strip[0] == strip[1]
    other = train(
        config(data, **{"train.epochs": 2, "train.seed": 7}), tmp_path / "r3", echo=lambda _: None
    )
    assert other.history.epochs[0]["train_loss"] != runs[0].history.epochs[0]["train_loss"]


def test_early_stopping_keeps_the_best_epoch(tmp_path):
    data = toy_csv(tmp_path / "toy.csv", n=120)
    cfg = config(data, **{"train.epochs": 6, "train.patience": 1, "train.learning_rate": 0.0})
    result = train(cfg, tmp_path / "run", echo=lambda _: None)
    assert result.history.stopped_early and len(result.history.epochs) == 2
    assert result.history.best_epoch == 1


@pytest.mark.parametrize("model", ["mlp", "fasttext", "bilstm", "cnn-deep"])
def test_every_family_trains_end_to_end(tmp_path, model):
    data = toy_csv(tmp_path / "toy.csv", n=80)
    options = {"embed_dim": 8} | ({"bigram_buckets": 256} if model == "fasttext" else {})
    options |= {"hidden": 8} if model == "bilstm" else {}
    cfg = config(data, model=model, model_options=options, **{"train.epochs": 1})
    result = train(cfg, tmp_path / "run", echo=lambda _: None)
    assert np.isfinite(result.history.epochs[0]["train_loss"])
    assert load(tmp_path / "run").predict_proba(["a great film"]).shape == (1, 2)


def test_options_smoothing_weights_schedules_clipping(tmp_path):
    data = toy_csv(tmp_path / "toy.csv", n=80)
    for overrides in (
        {"train.label_smoothing": 0.1, "train.class_weights": "balanced"},
        {"train.optimizer": "sgd", "train.schedule": "step", "train.clip_norm": 1.0},
        {
            "train.optimizer": "adamw",
            "train.schedule": "cosine",
            "train.warmup_epochs": 0.5,
            "train.weight_decay": 0.01,
        },
    ):
        result = train(
            config(data, **{"train.epochs": 1}, **overrides),
            tmp_path / "run",
            echo=lambda _: None,
            overwrite=True,
        )
        assert np.isfinite(result.history.epochs[0]["train_loss"])


def test_prediction_input_rules(tmp_path):
    data = toy_csv(tmp_path / "toy.csv", n=40)
    predictor = train(
        config(data, **{"train.epochs": 1}), tmp_path / "run", echo=lambda _: None
    ).predictor
    assert predictor.predict_proba([]).shape == (0, 2)
    probs = predictor.predict_proba(["great " * 100_000])  # truncated to max_length
    assert probs.shape == (1, 2) and np.isclose(probs.sum(), 1.0)
    with pytest.raises(DataError, match="text 1 is empty"):
        predictor.predict_proba(["fine", "   "])
    with pytest.raises(TypeError, match="text 0 is a int"):
        predictor.predict_proba([3])
    with pytest.raises(TypeError, match="single string"):
        predictor.predict_proba("a text")
    record = predictor.predict_records(["a great film"])[0]
    assert set(record) == {"text", "label", "labels", "probabilities"}
    assert record["labels"] == [record["label"]]
    assert set(record["probabilities"]) == {"neg", "pos"}


def test_smaller_than_a_batch_and_one_class(tmp_path):
    data = toy_csv(tmp_path / "toy.csv", n=12)
    result = train(
        config(data, **{"train.epochs": 1, "train.batch_size": 64, "data.test_fraction": 0.25}),
        tmp_path / "run",
        echo=lambda _: None,
    )
    assert result.history.epochs[0]["train_accuracy"] >= 0
    one = tmp_path / "one.csv"
    one.write_text("text,label\na,x\nb,x\nc,x\n")
    with pytest.raises(DataError, match="only one label"):
        train(config(one), tmp_path / "run1", echo=lambda _: None)


def test_damaged_runs_give_clear_errors(tmp_path):
    data = toy_csv(tmp_path / "toy.csv", n=40)
    train(config(data, **{"train.epochs": 1}), tmp_path / "run", echo=lambda _: None)
    with pytest.raises(DataError, match="run directory not found"):
        load(tmp_path / "nowhere")
    (tmp_path / "run" / "params.safetensors").write_bytes(b"not safetensors")
    with pytest.raises(DataError, match=r"params\.safetensors: does not match the run's manifest"):
        load(tmp_path / "run")
    (
        tmp_path / "run" / "manifest.json"
    ).unlink()  # a run of an earlier textnn: the files' own checks
    with (
        pytest.warns(DataWarning, match="no manifest.json"),
        pytest.raises(DataError, match="damaged parameters") as err,
    ):
        load(tmp_path / "run")
    assert "params.safetensors" in str(err.value)
    (tmp_path / "run" / "vocab.json").unlink()
    with pytest.warns(DataWarning), pytest.raises(DataError, match=r"vocab\.json"):
        load(tmp_path / "run")
    (tmp_path / "run" / "run.json").write_text("{")
    with pytest.warns(DataWarning), pytest.raises(DataError, match="damaged run file"):
        load(tmp_path / "run")


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="Linux counts memory maps")
def test_compiled_code_is_dropped_near_the_memory_map_limit(tmp_path):
    """Trained models leave compiled steps (memory maps) behind; past the given share of the
    OS's limit they are dropped, so a process can train any number of models."""
    from textnn.runs.pipeline import _drop_compiled_code_near_the_map_limit

    def maps():
        return len(Path("/proc/self/maps").read_text().splitlines())

    train(config(toy_csv(tmp_path / "toy.csv"), **{"train.epochs": 1}), None, echo=lambda _: 0)
    before = maps()
    _drop_compiled_code_near_the_map_limit()  # far below half the limit: kept
    assert maps() >= before - 10
    _drop_compiled_code_near_the_map_limit(share=0.0)
    assert maps() < before - 100

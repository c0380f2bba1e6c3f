"""Trainer, optimisers, run directories, evaluation and prediction on small data made here."""

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.utils.class_weight import compute_class_weight

from textnn.config import RunConfig, TrainConfig
from textnn.errors import DataError, NotFoundError
from textnn.runs.data import split_data
from textnn.runs.directory import load
from textnn.runs.evaluate import evaluate, evaluate_run, format_report
from textnn.runs.pipeline import train
from textnn.train.optim import optimizer, schedule
from textnn.train.trainer import class_weight_vector

GOOD = ["great", "wonderful", "superb", "lovely", "brilliant", "delightful"]
BAD = ["awful", "terrible", "dreadful", "boring", "horrible", "painful"]


def toy_csv(path, n=240, seed=0, good=GOOD, bad=BAD):
    """Texts whose label is told by one sentiment word (from `good` or `bad`) among neutral
    filler."""
    rng = np.random.default_rng(seed)
    filler = ["the", "film", "was", "a", "plot", "and", "with", "actors", "it", "story"]
    rows = ["text,label"]
    for i in range(n):
        label = "pos" if i % 2 else "neg"
        words = list(rng.choice(filler, size=rng.integers(3, 12)))
        words.insert(rng.integers(0, len(words)), rng.choice(good if label == "pos" else bad))
        rows.append(f"{' '.join(words)},{label}")
    path.write_text("\n".join(rows) + "\n")
    return path


def config(data, **overrides):
    base = {
        "data.name": str(data),
        "embeddings": None,
        "model": "textcnn",
        "train.epochs": 4,
        "train.batch_size": 32,
        "text.max_length": 32,
        "model_options": {"channels": 16, "embed_dim": 16},
    }
    base.update(overrides)
    return RunConfig().with_overrides(base)


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
            config(data, **{"train.epochs": 1}, **overrides), tmp_path / "run", echo=lambda _: None
        )
        assert np.isfinite(result.history.epochs[0]["train_loss"])


def test_schedules():
    cfg = TrainConfig(learning_rate=1.0, epochs=4, schedule="step", step_epochs=1, gamma=0.5)
    s = schedule(cfg, steps_per_epoch=10)
    assert [float(s(i)) for i in (0, 9, 10, 25)] == [1.0, 1.0, 0.5, 0.25]
    cfg = TrainConfig(learning_rate=1.0, epochs=2, schedule="cosine", warmup_epochs=1)
    s = schedule(cfg, steps_per_epoch=10)
    assert float(s(0)) == 0.0 and float(s(10)) == pytest.approx(1.0)
    assert float(s(20)) == pytest.approx(0.0, abs=1e-6)
    with pytest.raises(NotFoundError, match="did you mean 'adam'"):
        optimizer(TrainConfig(optimizer="adan"), 10)


def test_balanced_class_weights_match_scikit_learn():
    labels = np.array([0, 0, 0, 1, 2, 2])
    ours = class_weight_vector(TrainConfig(class_weights="balanced"), labels, 3)
    np.testing.assert_allclose(
        ours, compute_class_weight("balanced", classes=np.arange(3), y=labels), rtol=1e-6
    )


def test_evaluate_report():
    labels = np.array([0, 0, 1, 1, 2])
    probs = np.eye(3)[[0, 1, 1, 1, 0]] * 0.8 + 0.2 / 3
    report = evaluate(labels, probs, ["a", "b", "c"])
    assert report["accuracy"] == pytest.approx(3 / 5)
    assert report["confusion_matrix"] == [[1, 1, 0], [0, 2, 0], [1, 0, 0]]
    assert report["per_class"]["b"] == {
        "precision": pytest.approx(2 / 3),
        "recall": 1.0,
        "f1": pytest.approx(0.8),
        "support": 2,
    }
    assert report["macro_f1"] == pytest.approx((0.5 + 0.8 + 0) / 3)
    assert "confusion matrix" in format_report(report)


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
    assert set(record) == {"text", "label", "probabilities"}
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
    with pytest.raises(DataError, match="damaged parameters") as err:
        load(tmp_path / "run")
    assert "params.safetensors" in str(err.value)
    (tmp_path / "run" / "vocab.json").unlink()
    with pytest.raises(DataError, match=r"vocab\.json"):
        load(tmp_path / "run")
    (tmp_path / "run" / "run.json").write_text("{")
    with pytest.raises(DataError, match="damaged run file"):
        load(tmp_path / "run")


def test_config_files_and_overrides(tmp_path):
    (tmp_path / "c.toml").write_text('model = "bilstm"\n[train]\nepochs = 2\n')
    cfg = RunConfig.load(tmp_path / "c.toml")
    assert cfg.model == "bilstm" and cfg.train.epochs == 2 and cfg.text.max_length == 500
    cfg.save(tmp_path / "c.json")
    assert RunConfig.load(tmp_path / "c.json") == cfg
    with pytest.raises(DataError, match=r"unknown config field 'train\.epoch'"):
        cfg.with_overrides({"train.epoch": 3})
    (tmp_path / "bad.toml").write_text("[train]\nepochz = 2\n")
    with pytest.raises(DataError, match="unknown field"):
        RunConfig.load(tmp_path / "bad.toml")


def test_a_parameter_snapshot_survives_the_in_place_updates_that_follow():
    """Training steps donate the model's buffers (updated in place); the best epoch's
    snapshot, taken before later steps, must keep its values and restore them."""
    from flax import nnx

    from textnn.models import build_model
    from textnn.models.params import parameter_arrays, restore_parameters
    from textnn.train.trainer import train_step

    model = build_model("fasttext", {"vocab_size": 50, "embed_dim": 8, "bigram_buckets": 64})
    opt = nnx.Optimizer(model, optimizer(TrainConfig(learning_rate=0.1), 10), wrt=nnx.Param)
    before = parameter_arrays(model)
    copies = {name: np.array(value) for name, value in before.items()}
    ids = np.arange(1, 13, dtype=np.int32).reshape(2, 6)
    lengths, labels = np.array([6, 4], np.int32), np.array([0, 1], np.int32)
    for _ in range(3):
        train_step(
            model, opt, ids, lengths, labels, np.ones(2, np.float32), num_classes=2, smoothing=0.0
        )
    after = parameter_arrays(model)
    assert any(not np.array_equal(after[n], copies[n]) for n in copies)
    for name, value in before.items():
        np.testing.assert_array_equal(np.asarray(value), copies[name])
    restore_parameters(model, before)
    for name, value in parameter_arrays(model).items():
        np.testing.assert_array_equal(np.asarray(value), copies[name])


def test_multichannel_trains_in_place_and_its_frozen_copy_stays():
    """The frozen and the trained table start from the same vectors; in-place updates of one
    must neither fail nor touch the other."""
    from flax import nnx

    from textnn.models import build_model
    from textnn.train.trainer import train_step

    vectors = np.random.default_rng(0).normal(size=(30, 6)).astype(np.float32)
    model = build_model("textcnn", embeddings=vectors, embedding="multichannel", channels=4)
    opt = nnx.Optimizer(model, optimizer(TrainConfig(learning_rate=0.1), 10), wrt=nnx.Param)
    ids = np.arange(1, 13, dtype=np.int32).reshape(2, 6)
    for _ in range(2):
        train_step(
            model,
            opt,
            ids,
            np.array([6, 5], np.int32),
            np.array([0, 1], np.int32),
            np.ones(2, np.float32),
            num_classes=2,
            smoothing=0.0,
        )
    np.testing.assert_array_equal(np.asarray(model.embed.frozen[...]), vectors)
    assert not np.array_equal(np.asarray(model.embed.table[...]), vectors)


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

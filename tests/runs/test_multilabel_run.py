"""Multi-label runs end to end on small data made here: independent sigmoids learn labels that
come together, per-label thresholds are chosen on validation and kept in the run, and every
caller (predict, evaluate, the estimator, the server) decides with them."""

import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import multilabel_csv, multilabel_rows
from tests.serve.server import Server
from textnn.config import RunConfig
from textnn.estimator import TextClassifier
from textnn.runs.directory import load
from textnn.runs.evaluate import evaluate_run
from textnn.runs.pipeline import train
from textnn.train.thresholds import decide, f1_scores, tune_thresholds

READ = {"label_column": "labels", "label_separator": "|"}


def multilabel_config(data, **overrides):
    base = {"data.name": str(data), "data.options": READ, "embeddings": None, "model": "textcnn",
            "train.epochs": 6, "train.batch_size": 32, "text.max_length": 32,
            "train.learning_rate": 0.01,
            "model_options": {"channels": 16, "embed_dim": 16}}  # fmt: skip
    return RunConfig().with_overrides({**base, **overrides})


@pytest.fixture(scope="module")
def multilabel_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("multilabel")
    data = multilabel_csv(folder / "tickets.csv")
    result = train(multilabel_config(data), folder / "run", echo=lambda _: None)
    return folder / "run", result


def test_learns_labels_that_come_together(multilabel_run):
    run, result = multilabel_run
    report = result.report
    assert report["multilabel"] and report["macro_f1"] > 0.9 and report["micro_f1"] > 0.9
    assert set(report["per_class"]) == {"billing", "bug", "praise"}
    assert 0 <= report["hamming_loss"] < 0.05 and report["precision_at_k"]["1"] > 0.9
    predictor = load(run)
    assert predictor.multilabel
    assert predictor.predict(["my invoice crash today", "thanks the film"]) == [
        ["billing", "bug"] if predictor.predict_proba(["my invoice crash today"])[0, 0]
        >= predictor.predict_proba(["my invoice crash today"])[0, 1] else ["bug", "billing"],
        ["praise"],
    ]  # fmt: skip


def test_thresholds_are_chosen_on_validation_and_kept_in_the_run(multilabel_run):
    run, result = multilabel_run
    meta = json.loads((run / "run.json").read_text())
    assert meta["multilabel"] is True and len(meta["thresholds"]) == 3
    np.testing.assert_array_equal(load(run).thresholds, result.predictor.thresholds)
    # they are the ones the validation split gives
    cfg = multilabel_config(run.parent / "tickets.csv")
    from textnn.runs.data import split_data

    _, _, val, _ = split_data(cfg, echo=lambda _: None)
    again = tune_thresholds(val.labels, load(run).predict_proba(val.texts))
    np.testing.assert_allclose(again, meta["thresholds"], atol=1e-6)
    # evaluate on the run's own test split gives the report it wrote
    report = evaluate_run(load(run), RunConfig.load(run / "config.json"), echo=lambda _: None)
    assert report["macro_f1"] == pytest.approx(result.report["macro_f1"])


def test_nbsvm_and_fasttext_heads_learn_multilabel_data_too(tmp_path):
    data = multilabel_csv(tmp_path / "t.csv")
    for model in ("nbsvm", "fasttext"):
        result = train(multilabel_config(data, model=model, model_options={}), None,
                       echo=lambda _: None)  # fmt: skip
        assert result.report["macro_f1"] > 0.85, model


def test_predict_cli_top_k_and_threshold(multilabel_run, toy_run):
    run, _ = multilabel_run

    def predict(*args):
        done = subprocess.run([sys.executable, "-m", "textnn.cli", "predict", *args],
                              capture_output=True, text=True)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return [json.loads(line) for line in done.stdout.splitlines()]

    [record] = predict(str(run), "my invoice crash today", "--json")
    assert sorted(record["labels"]) == ["billing", "bug"]
    [record] = predict(str(run), "my invoice crash today", "--json", "-k", "1")
    assert len(record["labels"]) == 1
    [record] = predict(str(run), "my invoice crash today", "--json", "--threshold", "1")
    assert record["labels"] == []
    # single-label runs take them too: fastText's predict -k 2 -threshold 0
    [record] = predict(str(toy_run), "a great film", "--json", "-k", "2")
    assert len(record["labels"]) == 2 and record["labels"][0] == record["label"]
    done = subprocess.run([sys.executable, "-m", "textnn.cli", "predict", str(run), "x", "-k",
                           "0"], capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 2 and "--top-k" in done.stderr


def test_the_estimator_takes_an_indicator_matrix_or_label_lists():
    rows = multilabel_rows(360, seed=1)
    texts = [t for t, _ in rows]
    names = ["billing", "bug", "praise"]
    matrix = np.array([[int(n in ls) for n in names] for _, ls in rows])
    params = dict(model="textcnn", embeddings=None, epochs=10, learning_rate=0.01,
                  max_length=32, model_options={"channels": 16, "embed_dim": 16})  # fmt: skip
    clf = TextClassifier(**params).fit(texts, matrix)
    predicted = clf.predict(texts)
    assert predicted.shape == matrix.shape and (predicted == matrix).mean() > 0.9
    assert clf.predict_proba(texts[:2]).shape == (2, 3)
    lists = TextClassifier(**params).fit(texts, [ls for _, ls in rows])
    out = lists.predict(["my invoice crash today"])
    assert isinstance(out, list) and sorted(out[0]) == ["billing", "bug"]
    with pytest.raises(ValueError, match="only 0s and 1s"):
        TextClassifier(**params).fit(texts, matrix * 2)


def test_the_server_answers_with_the_runs_labels(multilabel_run, tmp_path):
    run, _ = multilabel_run
    server = Server(run, log=tmp_path / "serve.log")
    try:
        server.wait_ready()
        status, body = server.post("/v1/predict", {"texts": ["my invoice crash", "thanks"]})
        assert status == 200
        assert [sorted(p["labels"]) for p in body["predictions"]] == [["billing", "bug"],
                                                                      ["praise"]]  # fmt: skip
        status, info = server.get("/v1/info")
        assert info["multilabel"] is True
    finally:
        assert server.stop() == 0


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.booleans(), st.floats(0, 1, width=32)), min_size=1, max_size=60),
)
def test_a_tuned_threshold_is_at_least_as_good_as_any_other(pairs):
    labels = np.array([[float(y)] for y, _ in pairs], np.float32)
    probs = np.array([[p] for _, p in pairs], np.float32)
    tuned = tune_thresholds(labels, probs)
    best = f1_scores(labels, decide(probs, tuned))[1]
    for candidate in [*probs[:, 0], 0.0, 1.0]:
        assert best >= f1_scores(labels, decide(probs, candidate))[1] - 1e-9


def test_lime_explains_one_label_at_a_time(multilabel_run):
    from textnn.analysis.explain import explain

    run, _ = multilabel_run
    predictor = load(run)
    for label, word in (("bug", "crash"), ("billing", "invoice")):
        result = explain(predictor, "the invoice crash it", classes=[label], num_samples=300)
        weights = result.to_dict()["weights_by_class"][label]
        top = max(weights, key=lambda pair: pair[1])
        assert top[0] == word, (label, weights)


def test_self_training_refuses_multilabel_data(multilabel_run, tmp_path):
    from textnn.errors import DataError

    run, _ = multilabel_run
    data = multilabel_csv(tmp_path / "t.csv", n=80)
    unlabeled = tmp_path / "more.txt"
    unlabeled.write_text("my invoice crash\nthanks a lot\n")
    cfg = multilabel_config(data, teacher=str(run), **{"data.unlabeled": str(unlabeled)})
    with pytest.raises(DataError, match="single-label data and a single-label teacher"):
        train(cfg, None, echo=lambda _: None)


def test_data_multilabel_true_trains_independent_labels_on_single_label_data(tmp_path):
    from tests.helpers import config, toy_csv
    from textnn.errors import DataError

    data = toy_csv(tmp_path / "toy.csv", n=300)
    result = train(
        config(data, **{"data.multilabel": True, "train.learning_rate": 0.01}),
        tmp_path / "run",
        echo=lambda _: None,
    )
    predictor = load(tmp_path / "run")
    assert predictor.multilabel and predictor.thresholds.shape == (2,)
    assert result.report["multilabel"] and result.report["macro_f1"] > 0.85
    probs = predictor.predict_proba(["a great film", "an awful film"])
    assert not np.allclose(probs.sum(axis=1), 1.0)  # a sigmoid each, not a softmax
    several = multilabel_csv(tmp_path / "t.csv")
    with pytest.raises(DataError, match=r"data\.multilabel is false"):
        train(multilabel_config(several, **{"data.multilabel": False}), None, echo=lambda _: None)

"""autotune on multi-label data made here: judged by macro F1 with each label at its best-F1
threshold, a run directory whose answer decides with thresholds chosen on validation, a
multi-label vote that keeps its own thresholds in vote.json, and the estimator's budget."""

import json

import numpy as np
import optuna
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import multilabel_rows
from tests.serve.server import Server
from tests.tune.test_autotune import StopAfterRows
from textnn.config import RunConfig
from textnn.data.dataset import Dataset, Examples
from textnn.errors import DataError
from textnn.estimator import TextClassifier
from textnn.runs.adaptive import DataProfile
from textnn.runs.ensemble import Ensemble, load_outputs
from textnn.text.tokenize import Tokenizer
from textnn.train.signals import Interrupted
from textnn.train.thresholds import decide, f1_scores, tune_thresholds
from textnn.tune import autotune
from textnn.tune.choose import answer_thresholds
from textnn.tune.output import write_autotune_run
from textnn.tune.scores import multilabel_score, score
from textnn.tune.search import resume_autotune
from textnn.tune.space import enqueued, first_trials, suggest

NAMES = ["billing", "bug", "praise"]
BUDGET = 20.0


def indicator(rows) -> Examples:
    labels = np.array([[name in ls for name in NAMES] for _, ls in rows], np.float32)
    return Examples([t for t, _ in rows], labels)


@pytest.fixture(scope="module")
def tuned(tmp_path_factory):
    out = tmp_path_factory.mktemp("autotune-multilabel") / "run"
    dataset = Dataset(
        "tickets",
        NAMES,
        {"train": indicator(multilabel_rows(320, 0)), "test": indicator(multilabel_rows(80, 9))},
    )
    lines = []
    result = autotune(RunConfig(), out, budget=BUDGET, dataset=dataset, echo=lines.append)
    return result, out, lines


def test_judged_by_macro_f1_at_each_labels_threshold(tuned):
    result, _, lines = tuned
    assert result.metric == "macro_f1"
    assert any("judged by validation macro_f1 (each label at its best-F1 threshold)" in line
               for line in lines)  # fmt: skip
    assert result.validation_score > 0.9
    assert result.report["multilabel"] and result.report["macro_f1"] > 0.9
    # the score each kept trial was judged by is that of its validation probabilities
    for c in result.candidates:
        assert c.score == pytest.approx(
            score("macro_f1", result.validation_labels, c.probabilities)
        )


def test_the_run_decides_with_thresholds_chosen_on_validation(tuned):
    result, out, _ = tuned
    expected = answer_thresholds(result.members, result.validation_labels)
    assert result.thresholds.shape == (3,)
    np.testing.assert_allclose(result.thresholds, expected)
    outputs = load_outputs(out)
    assert outputs.multilabel
    np.testing.assert_allclose(outputs.thresholds, result.thresholds, rtol=1e-6)
    predicted = outputs.predict(["my invoice crash today", "thanks awesome"])
    assert [sorted(labels) for labels in predicted] == [["billing", "bug"], ["praise"]]


def test_a_multilabel_vote_keeps_its_own_thresholds(tuned, tmp_path):
    result, _, _ = tuned
    members = result.candidates[:2]
    assert len(members) == 2
    thresholds = answer_thresholds(members, result.validation_labels)
    summary = {"chosen": [m.number for m in members], "metric": "macro_f1"}
    write_autotune_run(tmp_path / "vote", members, result.trials, summary, None, "t", thresholds)
    vote_file = json.loads((tmp_path / "vote" / "vote.json").read_text())
    np.testing.assert_allclose(vote_file["thresholds"], thresholds, rtol=1e-6)
    outputs = load_outputs(tmp_path / "vote")
    assert isinstance(outputs, Ensemble) and outputs.multilabel
    texts = ["a refund for the broken charge", "love it thanks"]
    probabilities = outputs.predict_proba(texts)
    decided = decide(probabilities, outputs.thresholds)
    assert outputs.predict(texts) == [
        [NAMES[i] for i in np.argsort(-row, kind="stable") if chosen[i]]
        for row, chosen in zip(probabilities, decided, strict=True)
    ]
    # joined by another run, the vote's thresholds no longer hold: it says so
    with pytest.raises(DataError, match="threshold chosen for the vote"):
        load_outputs(tmp_path / "vote", vote_with=[tmp_path / "vote"])
    # the server, a real process on loopback, decides with the vote's thresholds too
    server = Server(tmp_path / "vote", log=tmp_path / "serve.log")
    try:
        server.wait_ready()
        status, body = server.post("/v1/predict", {"texts": texts})
        assert status == 200
        assert [p["labels"] for p in body["predictions"]] == outputs.predict(texts)
        for prediction, row in zip(body["predictions"], probabilities, strict=True):
            served = [prediction["probabilities"][name] for name in NAMES]
            np.testing.assert_allclose(served, row, atol=1e-5)
    finally:
        assert server.stop() == 0


def test_damaged_vote_thresholds_are_refused(tuned, tmp_path):
    from textnn.runs import manifest
    from textnn.runs.directory import VOTE_FILE

    result, _, _ = tuned
    members = result.candidates[:2]
    run = tmp_path / "vote"
    summary = {"chosen": [m.number for m in members], "metric": "macro_f1"}
    thresholds = answer_thresholds(members, result.validation_labels)
    write_autotune_run(run, members, result.trials, summary, None, "t", thresholds)
    document = json.loads((run / VOTE_FILE).read_text())
    for bad in ([0.5, 0.5], [0.5, 0.5, 1.5], [0.5, True, 0.5], "0.5", [0.5, None, 0.5]):
        document["thresholds"] = bad
        manifest.commit(run, {VOTE_FILE: json.dumps(document).encode()}, finished=True)
        with pytest.raises(DataError, match="thresholds"):
            load_outputs(run)


def test_a_multilabel_vote_needs_thresholds_and_one_kind(tuned):
    result, _, _ = tuned
    predictors = [c.predictor for c in result.candidates[:2]]
    with pytest.raises(DataError, match="threshold chosen for the vote"):
        Ensemble(predictors)
    with pytest.raises(DataError, match="one per label"):
        Ensemble(predictors, thresholds=np.array([0.5, 0.5], np.float32))


def test_a_stopped_multilabel_search_resumes_with_its_metric_and_thresholds(tmp_path):
    out = tmp_path / "run"
    dataset = Dataset(
        "tickets",
        NAMES,
        {"train": indicator(multilabel_rows(240, 2)), "test": indicator(multilabel_rows(60, 8))},
    )
    stop = StopAfterRows(2)
    with pytest.raises(Interrupted, match="progress is saved"):
        autotune(RunConfig(), out, budget=30, dataset=dataset, echo=stop.echo, stop=stop)
    state = json.loads((out / "search" / "state.json").read_text())
    assert state["metric"] == "macro_f1" and state["kept"]
    done = [r["trial"] for r in state["records"]]
    result = resume_autotune(out, dataset=dataset, echo=lambda _: None)
    assert result.metric == "macro_f1"
    assert [r["trial"] for r in result.trials][: len(done)] == done  # kept, in order
    assert result.report["multilabel"] and result.report["macro_f1"] > 0.9
    # the restored trials' validation probabilities chose the answer's thresholds
    np.testing.assert_allclose(
        result.thresholds, answer_thresholds(result.members, result.validation_labels)
    )
    np.testing.assert_allclose(load_outputs(out).thresholds, result.thresholds, rtol=1e-6)


@pytest.mark.parametrize("multilabel", [False, True])
def test_networks_train_as_plain_train_trains_them_on_multilabel_data_only(multilabel):
    # On multi-label data plain `train` answers with one textcnn trained within the networks'
    # bound: the search's first textcnn trial is that fit. On single-label data every trial
    # keeps the linear model's shorter bound (tune/space.py says why).
    rows = multilabel_rows(6_000, 1)
    examples = indicator(rows)
    labels = examples.labels if multilabel else examples.labels.argmax(axis=1)
    profile = DataProfile.of(examples.texts, labels, Tokenizer("words"))
    base = RunConfig()
    bounds = {}
    for params in first_trials():
        config = suggest(optuna.trial.FixedTrial(enqueued(params)), profile, base)
        bounds[config.model] = (config.train.epochs, config.train.patience)
    linear = (profile.epochs("nbsvm"), 2)
    assert bounds["nbsvm"] == bounds["fasttext"] == linear
    network = (profile.epochs("textcnn"), 3) if multilabel else linear
    assert bounds["textcnn"] == bounds["bilstm"] == network
    assert profile.epochs("textcnn") > profile.epochs("nbsvm")


def test_the_estimator_searches_multilabel_data():
    rows = multilabel_rows(240, 4)
    clf = TextClassifier(budget=12, verbose=False)
    clf.fit([t for t, _ in rows], [ls for _, ls in rows])
    assert clf.autotune_.metric == "macro_f1"
    assert sorted(clf.predict(["the invoice and a crash"])[0]) == ["billing", "bug"]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.lists(st.booleans(), min_size=3, max_size=3), min_size=1, max_size=30),
    st.integers(0, 2**31 - 1),
)
def test_multilabel_scores_follow_the_best_f1_decisions(rows, seed):
    labels = np.array(rows, np.float32)
    noise = np.random.default_rng(seed).random(labels.shape).astype(np.float32)
    # probabilities that tell the labels apart exactly score 1 on every metric
    exact = labels * 0.5 + 0.25
    assert multilabel_score("accuracy", labels, exact) == 1.0
    if labels.any():  # F1 counts a label with no positive and no prediction as 0
        assert multilabel_score("micro_f1", labels, exact) == 1.0
    if labels.any(axis=0).all():
        assert multilabel_score("macro_f1", labels, exact) == 1.0
    micro, macro = f1_scores(labels, decide(noise, tune_thresholds(labels, noise)))
    assert multilabel_score("micro_f1", labels, noise) == pytest.approx(micro)
    assert multilabel_score("macro_f1", labels, noise) == pytest.approx(macro)
    subset = (decide(noise, tune_thresholds(labels, noise)) == (labels > 0.5)).all(1).mean()
    assert multilabel_score("accuracy", labels, noise) == pytest.approx(subset)


def test_micro_f1_of_single_label_data_is_its_accuracy():
    labels = np.array([0, 1, 2, 1])
    probabilities = np.eye(3, dtype=np.float32)[[0, 2, 2, 1]]
    assert score("micro_f1", labels, probabilities) == score("accuracy", labels, probabilities)
    assert score("accuracy", labels, probabilities) == 0.75

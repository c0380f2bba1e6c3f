import json
import re

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import config
from textnn.cli import main
from textnn.errors import DataError
from textnn.runs.directory import load
from textnn.runs.ensemble import Ensemble, load_ensemble
from textnn.runs.pipeline import train


class FixedProbabilities:
    """Input for the vote: a predictor whose probabilities are given, in its own class order."""

    def __init__(self, label_names, probabilities):
        self.label_names, self.probabilities = list(label_names), np.asarray(probabilities)

    def predict_proba(self, texts, allow_empty=False, batch_size=None):
        assert len(texts) == len(self.probabilities)
        return self.probabilities


@settings(max_examples=30, deadline=None)
@given(
    classes=st.integers(2, 5),
    members=st.integers(1, 4),
    texts=st.integers(1, 6),
    seed=st.integers(0, 2**31),
)
def test_vote_is_the_mean_in_the_first_runs_class_order(classes, members, texts, seed):
    rng = np.random.default_rng(seed)
    names = [f"c{i}" for i in range(classes)]
    truth = [rng.dirichlet(np.ones(classes), size=texts) for _ in range(members)]
    predictors = []
    for probs in truth:  # each member lists the classes in its own order
        order = rng.permutation(classes)
        predictors.append(FixedProbabilities([names[i] for i in order], probs[:, order]))
    ensemble = Ensemble(predictors)
    first = [names.index(n) for n in predictors[0].label_names]
    expected = np.mean(truth, axis=0)[:, first]
    assert ensemble.label_names == predictors[0].label_names
    np.testing.assert_allclose(ensemble.predict_proba(["x"] * texts), expected, rtol=1e-6)
    labels = ensemble.predict(["x"] * texts)
    assert labels == [ensemble.label_names[i] for i in expected.argmax(-1)]


def test_runs_of_other_classes_cannot_vote():
    a = FixedProbabilities(["neg", "pos"], [[0.5, 0.5]])
    b = FixedProbabilities(["neg", "neutral", "pos"], [[0.3, 0.3, 0.4]])
    with pytest.raises(DataError, match="runs/three-way knows the classes"):
        Ensemble([a, b], ["runs/two-way", "runs/three-way"])
    with pytest.raises(ValueError, match="at least one"):
        Ensemble([])


@pytest.fixture(scope="module")
def nbsvm_run(toy_run):
    """An nbsvm run on the toy run's data: another family, another vocabulary."""
    out = toy_run.parent / "nbsvm"
    if not out.exists():
        data = toy_run.parent / "toy.csv"
        train(config(data, model="nbsvm", model_options={}), out, echo=lambda _: None)
    return out


def test_runs_vote_from_the_command_line(toy_run, nbsvm_run):
    cnn, nbsvm = load(toy_run), load(nbsvm_run)
    texts = ["the film was a wonderful story", "awful plot and actors"]
    vote = load_ensemble([toy_run, nbsvm_run])
    expected = (cnn.predict_proba(texts) + nbsvm.predict_proba(texts)) / 2
    np.testing.assert_allclose(vote.predict_proba(texts), expected, rtol=1e-6)

    args = ["predict", str(toy_run), *texts, "--json", "--vote-with", str(nbsvm_run)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    for record, probs in zip(records, expected, strict=True):
        got = [record["probabilities"][n] for n in vote.label_names]
        np.testing.assert_allclose(got, probs, rtol=1e-5)

    args = ["evaluate", str(toy_run), "--json", "--vote-with", str(nbsvm_run)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["accuracy"] > 0.9


def test_a_missing_run_to_vote_with_is_named(toy_run, tmp_path):
    args = ["predict", str(toy_run), "a fine film", "--vote-with", str(tmp_path / "nowhere")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code != 0
    assert "nowhere" in result.output


def test_explain_explains_the_vote(toy_run, nbsvm_run):
    text = "the film was a wonderful story"
    vote = load_ensemble([toy_run, nbsvm_run]).predict_proba([text])[0]
    alone = load(toy_run).predict_proba([text])[0]
    assert not np.allclose(vote, alone, atol=1e-4)  # else the test could not tell them apart

    args = ["explain", str(toy_run), text, "--json", "--num-samples", "50"]
    result = CliRunner().invoke(main, [*args, "--vote-with", str(nbsvm_run)])
    assert result.exit_code == 0, result.output
    explanation = json.loads(result.output)
    got = [explanation["probabilities"][n] for n in load(toy_run).label_names]
    np.testing.assert_allclose(got, vote, rtol=1e-5)
    assert {word for word, _ in explanation["weights"]} <= set(text.split())


def test_report_reports_the_vote_beside_each_voter(toy_run, nbsvm_run):
    def evaluated(run, *voters):  # the test metrics as `textnn evaluate` gives them
        extra = [arg for voter in voters for arg in ("--vote-with", str(voter))]
        result = CliRunner().invoke(main, ["evaluate", str(run), "--json", *extra])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    alone, nbsvm, vote = evaluated(toy_run), evaluated(nbsvm_run), evaluated(toy_run, nbsvm_run)
    # The toy runs are all right on test: their log losses tell the vote from each run.
    assert len({f"{r['log_loss']:.4f}" for r in (alone, nbsvm, vote)}) == 3

    args = ["report", str(toy_run), "--vote-with", str(nbsvm_run), "--num-samples", "50"]
    result = CliRunner().invoke(main, [*args, "--explanations", "1"])
    assert result.exit_code == 0, result.output
    page = (toy_run / "report-vote.html").read_text()
    assert f"textnn soft vote: {toy_run.name} + {nbsvm_run.name}" in page
    cell = "<td>([^<]*)</td>"
    results = page[page.index("<h2>Test results") :]
    metrics = re.search(f"<tr>{cell * 5}</tr>", results).groups()  # examples ... log loss
    assert metrics[1::3] == (f"{vote['accuracy']:.4f}", f"{vote['log_loss']:.4f}")
    voters = re.findall(f"<tr>{cell * 3}</tr>", results)[-3:]
    assert voters == [
        (str(toy_run), "textcnn", f"{alone['accuracy']:.4f}"),
        (str(nbsvm_run), "nbsvm", f"{nbsvm['accuracy']:.4f}"),  # same data and seed: same split
        ("soft vote", "", f"{vote['accuracy']:.4f}"),
    ]


def test_plot_draws_the_votes_test_results_only(toy_run, nbsvm_run, tmp_path):
    vote = ["--vote-with", str(nbsvm_run)]
    out = tmp_path / "vote.svg"
    result = CliRunner().invoke(main, ["plot", "confusion", str(toy_run), *vote, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "<svg" in out.read_text()
    result = CliRunner().invoke(main, ["plot", "curves", str(toy_run), *vote, "--out", str(out)])
    assert result.exit_code == 2 and "curves is one run's" in result.output

"""LIME explanations of a trained run: right words, signs, determinism, clean outputs."""

import gc
import json
import warnings

import pytest
from click.testing import CliRunner

from textnn.analysis.explain import explain
from textnn.cli import main
from textnn.errors import DataError
from textnn.runs.directory import load

TEXT = "the actors and the story was a dreadful film with a plot"


@pytest.fixture(scope="module")
def predictor(toy_run):
    return load(toy_run)


def test_the_sentiment_word_carries_the_decision(predictor):
    e = explain(predictor, TEXT, num_samples=500)
    assert e.label == "neg" and e.explained == ["neg"]
    (top_word, top_weight), *rest = e.weights_for()
    assert top_word == "dreadful" and top_weight > 0  # pushes towards "neg"
    assert all(abs(w) < abs(top_weight) for _, w in rest)
    assert sum(e.probabilities.values()) == pytest.approx(1.0, abs=1e-5)


def test_same_seed_same_explanation_and_both_classes_mirror(predictor):
    a = explain(predictor, TEXT, num_samples=300, seed=3)
    b = explain(predictor, TEXT, num_samples=300, seed=3)
    assert a.weights == b.weights
    c = explain(predictor, TEXT, num_samples=300, seed=4)
    assert c.weights != a.weights
    both = explain(predictor, TEXT, classes=["pos", "neg"], num_samples=300)
    pos, neg = dict(both.weights["pos"]), dict(both.weights["neg"])
    assert pos["dreadful"] == pytest.approx(-neg["dreadful"], rel=1e-6)  # two classes: mirrored
    assert both.to_dict()["weights"] == [[w, x] for w, x in both.weights["pos"]]


def test_outputs_are_plain_json_and_standalone_html_and_nothing_left_open(predictor):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        e = explain(predictor, TEXT, num_samples=200)
        data = json.loads(json.dumps(e.to_dict()))
        snippet = e.to_html()
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]
    assert all(type(w) is str and type(x) is float for w, x in e.weights_for())
    assert set(data) >= {"label", "probabilities", "weights"}
    assert "<script" not in snippet and "http" not in snippet
    assert ">dreadful</span>" in snippet and snippet.count("<tr>") == len(e.weights_for())
    plain = e.to_terminal(color=False)
    assert "dreadful" in plain and "\x1b[" not in plain
    assert "\x1b[" in e.to_terminal(color=True)


def test_bad_requests_say_what_is_wrong(predictor):
    with pytest.raises(DataError, match="unknown classes"):
        explain(predictor, TEXT, classes=["happy"])
    with pytest.raises(DataError, match="non-empty text"):
        explain(predictor, "   ")


def test_cli_json_and_html(toy_run, tmp_path):
    html_file = tmp_path / "why.html"
    args = ["explain", str(toy_run), TEXT, "--json", "--num-samples", "300"]
    result = CliRunner().invoke(main, [*args, "--html", str(html_file)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["label"] == "neg" and data["weights"][0][0] == "dreadful"
    assert "textnn-explanation" in html_file.read_text()
    result = CliRunner().invoke(main, ["explain", str(toy_run), TEXT, "--num-samples", "300"])
    assert "dreadful" in result.output and "label: neg" in result.output


def test_html_tags_are_separators_not_words(predictor):
    e = explain(predictor, "the film<br /><br />was dreadful", num_samples=200, num_features=20)
    words = {w for w, _ in e.weights_for()}
    assert "br" not in words and {"dreadful", "film"} <= words
    assert "&lt;br /&gt;" in e.to_html()  # the tags stay in the shown text, escaped

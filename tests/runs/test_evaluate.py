"""Metrics and the text report from labels and probabilities."""

import numpy as np
import pytest

from textnn.runs.evaluate import evaluate, format_report


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


def test_class_names_that_share_a_prefix_stay_apart_in_the_confusion_matrix():
    names = [f"comp.sys.{kind}.hardware" for kind in ("ibm.pc", "mac")] + ["rec.autos"]
    labels = np.array([0, 1, 2, 2])
    probabilities = np.eye(3)[[0, 1, 2, 1]] * 0.7 + 0.1
    report = evaluate(labels, probabilities, names)
    text = format_report(report)
    matrix = text.split("confusion matrix")[1].splitlines()[1:]
    assert matrix[0].split() == ["0", "1", "2"]
    for i, name in enumerate(names):  # each row: its number, its full name, its counts
        assert matrix[1 + i].split()[:2] == [str(i), name]
    short = evaluate(labels, probabilities, ["neg", "neu", "pos"])
    assert format_report(short).split("confusion matrix")[1].splitlines()[1].split() == [
        "neg",
        "neu",
        "pos",
    ]

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

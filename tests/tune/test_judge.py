"""How trials are judged: one held-out split, or k folds whose out-of-fold predictions cover
every training text, each by a model that did not train on it."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.helpers import GOOD, texts_with
from tests.tune.test_autotune import small_dataset
from textnn.config import RunConfig
from textnn.data import train_validation_split
from textnn.errors import DataError
from textnn.tune import autotune
from textnn.tune.judge import FOLDS, KFOLD_BUDGET, SMALL, Judge, folds_for
from textnn.tune.scores import score

WORDS = {"pos": GOOD, "neg": ["awful", "terrible", "dreadful", "boring", "horrible"]}
FAST = RunConfig().with_overrides(
    {
        "model": "nbsvm",
        "embeddings": None,
        "train.epochs": 2,
        "text.max_length": 16,
        "data.validation_fraction": 0.2,
    }
)


def test_folds_follow_the_size_of_the_data_and_the_budget_unless_asked():
    assert folds_for(SMALL - 1, None, KFOLD_BUDGET) == FOLDS
    assert folds_for(SMALL - 1, None, KFOLD_BUDGET - 1) == 1  # no time for k fits a trial
    assert folds_for(SMALL, None, 10 * KFOLD_BUDGET) == 1
    assert folds_for(100, 1, 1e6) == 1 and folds_for(100_000, 3, 10) == 3


def test_k_folds_judge_every_text_by_a_model_that_did_not_train_on_it():
    examples = texts_with(WORDS, ["neg", "pos"], 90, seed=3)
    judge = Judge("toy", ["neg", "pos"], examples, 0.2, seed=0, folds=3)
    held = np.concatenate(judge.held_out)
    assert sorted(held.tolist()) == list(range(90))  # each text in exactly one fold
    texts = np.array(examples.texts)
    for data, indices in zip(judge.datasets, judge.held_out, strict=True):
        assert sorted(data["train"].texts) == sorted(np.delete(texts, indices).tolist())
        assert data["validation"].texts == texts[indices].tolist()
    epochs, folds_done = [], []
    judged = judge.run(
        FAST, "accuracy", None, epochs.append, lambda i, s: folds_done.append((i, s))
    )
    assert judged.probabilities.shape == (90, 2)
    np.testing.assert_allclose(judged.probabilities.sum(axis=1), 1.0, rtol=1e-5)
    assert judged.value == score("accuracy", examples.labels, judged.probabilities)
    assert [i for i, _ in folds_done] == [1, 2]  # after each later fold, a running score
    assert epochs and all(e["epoch"] <= 2 for e in epochs)  # the first fold's epochs only


def test_one_split_is_the_one_the_pipeline_carves():
    examples = texts_with(WORDS, ["neg", "pos"], 100, seed=4)
    judge = Judge("toy", ["neg", "pos"], examples, 0.2, seed=0, folds=1)
    _, val = train_validation_split(examples, 0.2, seed=0)
    assert judge.validation[0].texts == val.texts and judge.texts == len(val)
    judged = judge.run(FAST, "accuracy", None, lambda _: None, lambda i, s: None)
    assert judged.probabilities.shape == (len(val), 2)


def said_first(budget: float, folds: int) -> str:
    """The line a search opens with. It is said before any trial, so a trial that a loaded
    machine keeps from finishing in this small budget does not matter here."""
    lines: list[str] = []
    try:
        autotune(
            RunConfig(),
            None,
            budget=budget,
            dataset=small_dataset(),
            echo=lines.append,
            folds=folds,
        )
    except DataError as err:
        if "no trial finished" not in str(err):
            raise
    return next(line for line in lines if line.startswith("autotune on"))


def test_a_search_says_how_it_judges(tmp_path):
    assert "(20% held out)" in said_first(6, folds=1)
    said = said_first(8, folds=5)
    assert "5-fold cross-validation" in said and "held out" not in said


@pytest.mark.parametrize("folds", [0, -2, 2.5, True, 10_000])
def test_bad_folds_are_refused_by_name(folds):
    with pytest.raises(DataError, match="folds"):
        autotune(RunConfig(), None, budget=5, dataset=small_dataset(), folds=folds)


def test_a_stopped_k_fold_search_resumes_with_its_folds_and_out_of_fold_scores(tmp_path):
    from tests.tune.test_autotune import StopAfterRows
    from textnn.train.signals import Interrupted
    from textnn.tune.progress import PROBABILITIES
    from textnn.tune.search import resume_autotune

    out, dataset = tmp_path / "run", small_dataset()
    stop = StopAfterRows(1)
    with pytest.raises(Interrupted, match="progress is saved"):
        autotune(RunConfig(), out, budget=20, dataset=dataset, echo=stop.echo, stop=stop, folds=3)
    state = json.loads((out / "search" / "state.json").read_text())
    assert state["folds"] == 3 and state["kept"]
    kept = state["kept"][0]
    saved = np.load(out / "search" / f"trial-{kept}{PROBABILITIES}")
    assert saved.shape == (len(dataset.train), 2)  # an out-of-fold row for every training text
    record = next(r for r in state["records"] if r["trial"] == kept)
    assert round(score("accuracy", dataset.train.labels, saved), 5) == record["validation"]
    lines: list[str] = []
    result = resume_autotune(out, dataset=dataset, echo=lines.append)
    # the resumed search judges as it began: 3 folds, the saved out-of-fold probabilities
    assert any("3-fold cross-validation" in line for line in lines)
    assert result.report["accuracy"] >= 0.9

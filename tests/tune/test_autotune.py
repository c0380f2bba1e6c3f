"""autotune on small made-up data: within its budget, judged on validation only (the test
split is first read after the choice), a run directory that predict, evaluate and the report
read, and trials that the pruner stops."""

import json
import threading
import time

import numpy as np
import optuna
import pytest

from tests.helpers import GOOD, texts_with
from textnn.config import RunConfig
from textnn.data.dataset import Dataset, Examples
from textnn.errors import DataError
from textnn.runs.ensemble import Ensemble, load_outputs
from textnn.train.signals import Interrupted
from textnn.tune import autotune
from textnn.tune.space import PLAIN_TRIALS, enqueued, first_trials

BUDGET = 25.0
WORDS = {"pos": GOOD, "neg": ["awful", "terrible", "dreadful", "boring", "horrible"]}


class WatchedExamples(Examples):
    """Examples that note when their texts are first read."""

    def __getattribute__(self, name):
        if name == "texts" and object.__getattribute__(self, "__dict__").get("first_read") is None:
            object.__setattr__(self, "first_read", time.monotonic())
        return object.__getattribute__(self, name)


def small_dataset(watch: bool = False) -> Dataset:
    train = texts_with(WORDS, ["neg", "pos"], 300, seed=1)
    test = texts_with(WORDS, ["neg", "pos"], 60, seed=2)
    if watch:
        test = WatchedExamples(test.texts, test.labels)
        object.__setattr__(test, "first_read", None)
    return Dataset("small", ["neg", "pos"], {"train": train, "test": test})


@pytest.fixture(scope="module")
def tuned(tmp_path_factory):
    """One autotune run shared by the tests below: (result, run dir, echo lines with times)."""
    out = tmp_path_factory.mktemp("autotune") / "run"
    lines = []
    dataset = small_dataset(watch=True)
    started = time.perf_counter()
    result = autotune(
        RunConfig(),
        out,
        budget=BUDGET,
        dataset=dataset,
        echo=lambda line: lines.append((time.monotonic(), line)),
    )
    return result, out, lines, dataset, time.perf_counter() - started


def test_stays_within_budget_and_learns(tuned):
    result, _, _, _, seconds = tuned
    # The budget counts compiling too; what may run over is the test evaluation and writing.
    assert seconds < BUDGET + 15
    assert result.report["accuracy"] >= 0.9
    assert result.validation_score >= 0.9
    states = {record["state"] for record in result.trials}
    assert "complete" in states and states <= {"complete", "pruned", "cut", "failed"}


def test_test_split_read_only_after_the_choice(tuned):
    _, _, lines, dataset, _ = tuned
    chosen = [t for t, line in lines if line.startswith("chosen on validation")]
    trials = [t for t, line in lines if line.lstrip()[:1].isdigit()]
    assert chosen and trials and dataset.test.first_read is not None
    assert max(trials) < chosen[0] < dataset.test.first_read


def test_run_directory_loads_and_predicts(tuned):
    result, out, _, _, _ = tuned
    outputs = load_outputs(out)
    members = (
        json.loads((out / "vote.json").read_text())["members"]
        if (out / "vote.json").exists()
        else []
    )
    assert isinstance(outputs, Ensemble) == bool(members)
    probs = outputs.predict_proba(["a great wonderful film", "an awful boring film"])
    assert probs.shape == (2, 2) and np.allclose(probs.sum(1), 1, atol=1e-5)
    assert outputs.predict(["a great wonderful film", "an awful boring film"]) == ["pos", "neg"]
    records = [json.loads(line) for line in (out / "autotune.jsonl").read_text().splitlines()]
    assert records[-1]["chosen"] == [m.number for m in result.members]
    assert len(records) - 1 == len(result.trials)


def test_the_first_trials_are_the_plain_runs_models(tuned):
    # A search with time for four trials has plain `textnn train`'s fits (nbsvm with and
    # without its decay, runs/rival.py; the textcnn and bilstm partners, runs/partner.py) and
    # their vote to answer with, so it does not answer worse than the plain run.
    planned = [enqueued(params) for params in first_trials()][:PLAIN_TRIALS]
    assert [p["model"] for p in planned] == ["nbsvm", "nbsvm", "textcnn", "bilstm"]
    assert planned[2]["textcnn_vectors"] == planned[3]["bilstm_vectors"] == "glove-6b-50d"
    # the search ran them first, in that order, as far as its budget went (on a loaded
    # machine 25 s may end before the bilstm starts)
    result = tuned[0]
    first = sorted(result.trials, key=lambda r: r["trial"])[:PLAIN_TRIALS]
    assert len(first) >= 3
    assert [r["params"] for r in first] == planned[: len(first)]
    assert [r["params"]["nbsvm_decay"] for r in first[:2]] == ["l2", "none"]
    assert first[0]["params"]["nbsvm_weight_decay"] == 1e-3
    assert "nbsvm_weight_decay" not in first[1]["params"]


def test_the_plain_fits_stay_kept_for_their_vote(tuned):
    result = tuned[0]
    finished = {r["trial"] for r in result.trials if r["state"] == "complete"}
    kept = {c.number for c in result.candidates}
    assert {n for n in finished if n < 4} <= kept
    assert {m.number for m in result.members} <= kept


def test_trials_are_pruned():
    # Optuna's pruner that stops every trial once it has reported an epoch: the search's
    # wiring (report, should_prune, the record) is what is tested. The search is stopped once
    # two trials are pruned, so a loaded machine only makes it slower (an 8-s budget once ran
    # out on one before any trial reached its first epoch).
    pruned, stop = [], threading.Event()

    def echo(line: str) -> None:
        if " pruned " in line:
            pruned.append(line)
            if len(pruned) == 2:
                stop.set()

    with pytest.raises(Interrupted, match="autotune stopped after"):
        autotune(
            RunConfig(),
            None,
            budget=120,
            dataset=small_dataset(),
            echo=echo,
            pruner=optuna.pruners.ThresholdPruner(lower=1.5),
            stop=stop,
        )
    assert len(pruned) == 2


def test_a_search_with_no_trial_finished_says_so():
    with pytest.raises(DataError, match=r"no trial finished within the budget .*--budget"):
        autotune(RunConfig(), None, budget=0.01, dataset=small_dataset(), echo=lambda _: None)


def test_the_same_seed_repeats_its_trials(tuned):
    result = tuned[0]
    again = autotune(
        RunConfig(), None, budget=12, dataset=small_dataset(), echo=lambda _: None, refit=False
    )
    # without the refit the members are the models as judged, with their validation outputs
    assert again.refitted == 0 and all(not m.refitted for m in again.members)
    assert all(len(c.probabilities) == len(again.validation_labels) for c in again.candidates)
    first = {r["trial"]: r for r in result.trials if r["state"] == "complete"}
    both = [r for r in again.trials if r["state"] == "complete" and r["trial"] in first]
    assert both, "no trial finished in both searches"
    for record in both:
        twin = first[record["trial"]]
        assert (record["params"], record["validation"]) == (twin["params"], twin["validation"])


class StopAfterRows(threading.Event):
    """Set once the live table has printed `n` finished trials: a Ctrl-C mid-search."""

    def __init__(self, n: int):
        super().__init__()
        self.n, self.rows = n, 0

    def echo(self, line: str) -> None:
        if " complete " in line or " pruned " in line:
            self.rows += 1
            if self.rows >= self.n:
                self.set()


def test_a_stopped_search_resumes_with_what_it_had(tmp_path):
    from textnn.train.signals import Interrupted
    from textnn.tune.progress import JOURNAL
    from textnn.tune.search import resume_autotune

    out, dataset = tmp_path / "run", small_dataset()
    stop = StopAfterRows(2)
    with pytest.raises(Interrupted, match="progress is saved"):
        autotune(RunConfig(), out, budget=30, dataset=dataset, echo=stop.echo, stop=stop)
    state = json.loads((out / "search" / "state.json").read_text())
    done = [r["trial"] for r in state["records"]]
    assert len(done) >= 2 and state["elapsed"] < 30 and state["kept"]
    assert not (out / "run.json").exists()
    # a kill in the middle of the next trial leaves it running in the journal
    storage = optuna.storages.JournalStorage(
        optuna.storages.journal.JournalFileBackend(str(out / "search" / JOURNAL))
    )
    in_hand = optuna.load_study(study_name="autotune", storage=storage).ask()
    lines = []
    result = resume_autotune(out, dataset=dataset, echo=lines.append)
    assert lines[0].startswith(f"resuming the autotune in {out}: {len(done)} trials done")
    states = {r["trial"]: r["state"] for r in result.trials}
    assert states[in_hand.number] == "killed"
    assert [r["trial"] for r in result.trials][: len(done)] == done  # kept, in order
    assert result.report["accuracy"] >= 0.9
    assert not (out / "search").exists()  # finished: nothing left to resume
    assert load_outputs(out).predict(["a great film"]) == ["pos"]
    with pytest.raises(DataError, match="nothing to resume"):
        resume_autotune(out, dataset=dataset)


def test_two_workers_run_trials_side_by_side_and_finish_within_budget(tmp_path):
    lines: list[tuple[float, str]] = []
    started = time.perf_counter()
    result = autotune(
        RunConfig(),
        tmp_path / "run",
        budget=20,
        dataset=small_dataset(),
        echo=lambda line: lines.append((time.monotonic(), line)),
        workers=2,
    )
    assert time.perf_counter() - started < 20 + 15
    numbers = [r["trial"] for r in result.trials]
    assert len(numbers) == len(set(numbers)) >= 2  # each trial recorded once
    records = (tmp_path / "run/autotune.jsonl").read_text().splitlines()
    assert len(records) == len(result.trials) + 1  # and a summary line
    assert result.report["accuracy"] >= 0.9
    assert load_outputs(tmp_path / "run").predict_proba(["a great film"]).shape == (1, 2)


@pytest.mark.parametrize("workers", [0, -1, 1.5, True])
def test_workers_must_be_a_whole_number_from_one(workers):
    with pytest.raises(DataError, match="workers must be a whole number"):
        autotune(RunConfig(), None, budget=5, dataset=small_dataset(), workers=workers)

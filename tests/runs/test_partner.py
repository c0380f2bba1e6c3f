"""Plain `train`'s partners on small data: trained beside the n-gram model only where their
rule says, kept as a vote unless validation prefers the n-gram model alone, and resumed like
the rest of a run."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers import toy_csv
from tests.runs.test_resume import assert_same_run, stop_at_a_line_then_resume
from textnn.config import RunConfig
from textnn.errors import DataError
from textnn.runs.adaptive import DataProfile
from textnn.runs.data import named_dataset, split_data, with_absolute_paths
from textnn.runs.directory import load
from textnn.runs.ensemble import Ensemble, load_outputs
from textnn.runs.partner import (
    FAMILIES,
    MOST_TOKENS,
    chosen_voters,
    clearly_better,
    folder,
    keep_members,
    partner_configs,
)
from textnn.runs.pipeline import train

FIT = r"nbsvm \((?:no decay|decay [\d.e-]+)\)"  # runs/partner.py's fit_name
SCORES = re.compile(
    rf"{FIT} ([\d.]+), textcnn ([\d.]+), bilstm ([\d.]+), {FIT} ([\d.]+), their vote ([\d.]+)"
)
SOME = re.compile(r"the run answers with the vote of (.+) \(([\d.]+), clearly better\)$")
VOTERS = [*FAMILIES, "nbsvm"]  # the partners, then the nbsvm fit the run passed over
MEMBERS = [folder(model) for model in VOTERS]


def profile(examples=1_000, p50=10, multilabel=False) -> DataProfile:
    return DataProfile(examples, 2, p50, 2 * p50, 4 * p50, multilabel, (100, 100, 100))


def test_only_a_model_left_to_the_data_on_small_single_label_data_gets_them():
    plain = RunConfig()
    found = partner_configs(plain, profile(), has_validation=True)
    assert [c.model for c in found] == ["textcnn", "bilstm"]
    for config in found:
        assert config.embeddings == plain.embeddings and config.text.tokenizer == "glove"
        assert config.data == plain.data and config.train.seed == plain.train.seed
    assert found[1].model_options == {"hidden": 64, "head": "max", "dropout": 0.2}
    mine = plain.with_overrides({"embeddings": "my.vec"})
    assert {c.text.tokenizer for c in partner_configs(mine, profile(), True)} == {
        plain.text.tokenizer
    }
    big = profile(examples=MOST_TOKENS // 10 + 1, p50=10)
    refused = [
        (plain.with_overrides({"model": "nbsvm"}), profile(), True),
        (plain, profile(), False),  # nothing to decide on
        (plain, profile(multilabel=True), True),
        (plain, big, True),
        (plain.with_overrides({"train.refit": True}), profile(), True),
    ]
    for config, data, validation in refused:
        assert partner_configs(config, data, validation) == []


def one_hot(right: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Probabilities <float32>[n, 2] that are right where `right` says."""
    predicted = np.where(right, labels, 1 - labels)
    return np.eye(2, dtype=np.float32)[predicted]


@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=300))
def test_the_model_alone_is_clearly_better_only_by_more_than_chance(rights):
    """Alone over the vote only where the texts only it gets right outnumber those only the
    vote gets right by over the square root of their sum; never both ways; a text that only
    the model alone gets right never turns "clearly better" into not."""
    right_alone, right_voted = (np.array(r) for r in zip(*rights, strict=True))
    labels = np.zeros(len(rights), np.int64)
    alone, voted = one_hot(right_alone, labels), one_hot(right_voted, labels)
    better = clearly_better(labels, alone, voted)
    only_alone = int(np.sum(right_alone & ~right_voted))
    only_voted = int(np.sum(right_voted & ~right_alone))
    if only_alone <= only_voted + 1:  # one text more is never clear: 1 > sqrt(1) is false
        assert not better
    assert not (better and clearly_better(labels, voted, alone))
    if better and not right_alone.all():
        wrong = int(np.flatnonzero(~right_alone)[0])
        right_alone[wrong], right_voted[wrong] = True, False
        assert clearly_better(labels, one_hot(right_alone, labels), one_hot(right_voted, labels))


def sure(right: np.ndarray, labels: np.ndarray, sure: float) -> np.ndarray:
    """Probabilities <float32>[n, 2]: `sure` on the true label where `right`, else on the
    other."""
    predicted = np.where(right, labels, 1 - labels)
    probabilities = np.full((len(labels), 2), 1 - sure, np.float32)
    probabilities[np.arange(len(labels)), predicted] = sure
    return probabilities


def test_all_vote_unless_the_vote_grown_from_nbsvm_is_clearly_better():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 400)
    # four voters about as good, with independent mistakes: all of them vote
    each = [sure(rng.random(400) < 0.8, labels, p) for p in (0.8, 0.75, 0.7, 0.65)]
    assert chosen_voters(labels, each, 1.0) == [0, 1, 2, 3]
    # two good voters (the second better and surer: their vote is better than the first
    # alone) and two that are sure and right half the time: the good two answer
    bad = [sure(rng.random(400) < 0.5, labels, 0.95) for _ in range(2)]
    good = [sure(rng.random(400) < 0.8, labels, 0.6), sure(rng.random(400) < 0.9, labels, 0.8)]
    each = [good[0], bad[0], good[1], bad[1]]
    assert chosen_voters(labels, each, 1.0) == [0, 2]
    # the first right on every text, the others poor: it answers alone
    each = [sure(np.ones(400, bool), labels, 0.6), *bad, sure(rng.random(400) < 0.6, labels, 0.9)]
    assert chosen_voters(labels, each, 1.0) == [0]
    # a margin too large for 400 texts keeps the vote of all
    assert chosen_voters(labels, each, 50.0) == [0, 1, 2, 3]


def test_nine_texts_more_right_of_nine_that_differ_is_clearly_better():
    labels = np.zeros(20, np.int64)
    both = np.arange(20) >= 9  # the last 11 right either way
    alone, voted = one_hot(np.ones(20, bool), labels), one_hot(both, labels)
    assert clearly_better(labels, alone, voted)  # 9 - 0 > sqrt(9)
    assert not clearly_better(labels, voted, alone)
    assert not clearly_better(labels, alone, alone)


def plain_settings(data: Path) -> RunConfig:
    return RunConfig().with_overrides({"data.name": str(data), "embeddings": None})


def noisy_csv(path: Path, n: int = 300, flip: float = 0.25, seed: int = 0) -> Path:
    """toy texts with a share of their labels flipped: no model is perfect on them."""
    toy_csv(path, n=n, seed=seed)
    lines = path.read_text().splitlines()
    rng = np.random.default_rng(seed)
    for i in range(1, len(lines)):
        if rng.random() < flip:
            text, label = lines[i].rsplit(",", 1)
            lines[i] = f"{text},{'neg' if label == 'pos' else 'pos'}"
    path.write_text("\n".join(lines) + "\n")
    return path


def rare_words_data(folder: Path, n: int = 600, seed: int = 0) -> RunConfig:
    """Texts whose label one sentiment word tells, each of 400 such words seen once or twice:
    counts of n-grams cannot learn them, word vectors (given: one direction for the good
    words, the other for the bad) can. Plain settings over that data and those vectors."""
    rng = np.random.default_rng(seed)
    filler = ["the", "film", "was", "a", "plot", "and", "with", "actors", "it", "story"]
    words = {"pos": [f"good{i}" for i in range(200)], "neg": [f"bad{i}" for i in range(200)]}
    rows = ["text,label"]
    for i in range(n):
        label = "pos" if i % 2 else "neg"
        text = list(rng.choice(filler, size=rng.integers(3, 9)))
        text.insert(rng.integers(0, len(text)), rng.choice(words[label]))
        rows.append(f"{' '.join(text)},{label}")
    (folder / "data.csv").write_text("\n".join(rows) + "\n")
    vectors = [f"{len(filler) + 400} 8"]
    for word in filler + words["pos"] + words["neg"]:
        row = rng.normal(0, 0.1, 8)
        row[0] += 1.0 if word.startswith("good") else -1.0 if word.startswith("bad") else 0.0
        vectors.append(word + " " + " ".join(f"{x:.4f}" for x in row))
    (folder / "words.vec").write_text("\n".join(vectors) + "\n")
    return RunConfig().with_overrides(
        {"data.name": str(folder / "data.csv"), "embeddings": str(folder / "words.vec")}
    )


@pytest.mark.parametrize("make", [toy_csv, noisy_csv])
def test_the_run_answers_as_its_log_says_with_the_vote_or_alone(tmp_path, make):
    data = make(tmp_path / "data.csv")
    lines: list[str] = []
    result = train(plain_settings(data), tmp_path / "run", echo=lines.append)
    said = [line for line in lines if line.startswith("validation accuracy: nbsvm")]
    assert len(said) == 1
    answers = load_outputs(tmp_path / "run")
    alone, *_, vote = map(float, SCORES.search(said[0]).groups())
    some = SOME.search(said[0])
    if said[0].endswith("alone (clearly better)"):
        assert alone > vote, said
        assert not isinstance(answers, Ensemble) and not result.partners
        assert not any((tmp_path / "run" / member).exists() for member in MEMBERS)
    elif some:  # the vote of some: clearly better than the vote of all
        assert float(some.group(2)) > vote, said
        voting = [name.split(" (")[0] for name in some.group(1).split(" and ")[1:]]
        assert [p.config.model for p in result.partners] == voting
        document = json.loads((tmp_path / "run/vote.json").read_text())
        assert document["members"] == [folder(model) for model in voting]
        for model in VOTERS:
            assert (tmp_path / "run" / folder(model)).exists() == (model in voting)
    else:
        assert said[0].endswith("the run answers with the vote"), said
        assert isinstance(answers, Ensemble) and isinstance(result.outputs, Ensemble)
        document = json.loads((tmp_path / "run/vote.json").read_text())
        assert document["members"] == MEMBERS and "weights" not in document
        assert [load(tmp_path / "run" / m).model_name for m in MEMBERS] == VOTERS
        assert [p.config.model for p in result.partners] == VOTERS
        decays = {result.config.train.weight_decay, result.partners[-1].config.train.weight_decay}
        assert decays == {0.0, 1e-3}  # both nbsvm fits vote
    # the report is the answer's: what loads gives the test split the probabilities it had
    config = with_absolute_paths(plain_settings(data).validated())
    *_, test = split_data(config, lambda _: None, named_dataset(config))
    np.testing.assert_allclose(
        answers.predict_proba(test.texts), result.test_probabilities, rtol=1e-5, atol=1e-6
    )


def test_vectors_that_know_what_counts_cannot_learn_make_the_vote(tmp_path):
    lines: list[str] = []
    result = train(rare_words_data(tmp_path), tmp_path / "run", echo=lines.append)
    said = next(line for line in lines if line.startswith("validation accuracy: nbsvm"))
    alone, cnn, lstm, _, vote = map(float, SCORES.search(said).groups())
    assert max(cnn, lstm) > alone and vote > alone, said
    assert isinstance(result.outputs, Ensemble) and isinstance(
        load_outputs(tmp_path / "run"), Ensemble
    )
    assert result.report["accuracy"] > 0.65  # chance: 0.5


@pytest.mark.parametrize("family", list(FAMILIES))
def test_a_stop_in_a_partners_training_then_resume_gives_the_same_run(tmp_path, family):
    stop_at_a_line_then_resume(
        rare_words_data(tmp_path), tmp_path, f"  {family}: epoch 2 ", folder(family)
    )
    assert (tmp_path / "whole/vote.json").exists()
    for member in MEMBERS:
        assert_same_run(tmp_path / "run" / member, tmp_path / "whole" / member)
    assert (tmp_path / "run/vote.json").read_text() == (tmp_path / "whole/vote.json").read_text()


def test_uci_sentences_answer_with_the_vote_unless_nbsvm_alone_is_better(mirror, tmp_path):
    lines: list[str] = []
    result = train(
        RunConfig().with_overrides({"data.name": "uci_sentences"}), None, echo=lines.append
    )
    said = next(line for line in lines if line.startswith("validation accuracy: nbsvm"))
    alone, *_, vote = map(float, SCORES.search(said).groups())
    if not isinstance(result.outputs, Ensemble):
        assert said.endswith("alone (clearly better)") and alone > vote, said
    assert result.report["accuracy"] > 0.8


def test_the_vote_files_weights_decide_what_answers_everywhere(tmp_path):
    """A partner that answers alone (vote.json naming it alone, with weights 0 and 1) is what
    the library, the report's figures and the server's engine all answer with; damaged
    weights are refused."""
    from textnn.analysis.figures import RunView
    from textnn.runs import manifest
    from textnn.runs.directory import VOTE_FILE, VOTE_FORMAT
    from textnn.serve.engine import Engine

    def vote_file(weights) -> None:
        document = {"format": VOTE_FORMAT, "version": 1, "members": MEMBERS[:1], "weights": weights}
        manifest.commit(run, {VOTE_FILE: json.dumps(document).encode()}, finished=True)

    run = tmp_path / "run"
    train(rare_words_data(tmp_path), run, echo=lambda _: None)
    texts = ["the film was good7", "a plot with bad12 actors", "it"]
    partner = load(run / MEMBERS[0]).predict_proba(texts)
    vote_file([0.0, 1.0])
    answers = load_outputs(run)
    np.testing.assert_allclose(answers.predict_proba(texts), partner, rtol=1e-6)
    np.testing.assert_allclose(Engine(answers, 8).probabilities(texts), partner, atol=1e-5)
    assert RunView(run).outputs.weights == [0.0, 1.0]
    # a run joining with --vote-with weighs as much as the run's own voters on average
    joined = load_outputs(run, [run / MEMBERS[0]])
    assert joined.weights == pytest.approx([0.0, 2 / 3, 1 / 3])
    for bad in ([1.0], [0.0, 0.0], [-1.0, 2.0], "0.5", [True, 1.0]):
        vote_file(bad)
        with pytest.raises(DataError, match="'weights' must be 2 numbers of at least 0"):
            load_outputs(run)


def test_the_passed_over_fit_is_written_again_over_a_torn_folder(tmp_path):
    """A crash while the nbsvm fit the run passed over was being written leaves a torn folder;
    writing the members again (as a resumed run does) replaces it with a whole run."""
    run = tmp_path / "run"
    result = train(rare_words_data(tmp_path), run, echo=lambda _: None)
    member = run / folder("nbsvm")
    whole = load(member).predict_proba(["the film was good7"])
    (member / "params.safetensors").write_bytes(b"torn")
    with pytest.raises(DataError):
        load(member)
    passed_over = result.partners[-1]
    keep_members(run, result.partners, passed_over, "data", lambda _: None)
    np.testing.assert_array_equal(load(member).predict_proba(["the film was good7"]), whole)
    logged = (member / "metrics.jsonl").read_text().splitlines()
    assert [json.loads(line) for line in logged] == passed_over.history.epochs

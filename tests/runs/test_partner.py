"""Plain `train`'s partner on small data: trained beside the n-gram model only where its rule
says, kept as a vote only when validation says so, and resumed like the rest of a run."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import toy_csv
from tests.runs.test_resume import assert_same_run, stop_at_a_line_then_resume
from textnn.config import RunConfig
from textnn.errors import DataError
from textnn.runs.adaptive import DataProfile
from textnn.runs.data import named_dataset, split_data, with_absolute_paths
from textnn.runs.directory import load
from textnn.runs.ensemble import Ensemble, load_outputs
from textnn.runs.partner import FOLDER, MOST_TOKENS, partner_config
from textnn.runs.pipeline import train

SCORES = re.compile(r"nbsvm ([\d.]+), textcnn ([\d.]+), their vote ([\d.]+)")


def profile(examples=1_000, p50=10, multilabel=False) -> DataProfile:
    return DataProfile(examples, 2, p50, 2 * p50, 4 * p50, multilabel, (100, 100, 100))


def test_only_a_model_left_to_the_data_on_small_single_label_data_gets_one():
    plain = RunConfig()
    found = partner_config(plain, profile(), has_validation=True)
    assert found is not None and found.model == "textcnn"
    assert found.embeddings == plain.embeddings and found.text.tokenizer == "glove"
    assert found.data == plain.data and found.train.seed == plain.train.seed
    mine = plain.with_overrides({"embeddings": "my.vec"})
    assert partner_config(mine, profile(), True).text.tokenizer == plain.text.tokenizer
    big = profile(examples=MOST_TOKENS // 10 + 1, p50=10)
    refused = [
        (plain.with_overrides({"model": "nbsvm"}), profile(), True),
        (plain, profile(), False),  # nothing to decide on
        (plain, profile(multilabel=True), True),
        (plain, big, True),
        (plain.with_overrides({"train.refit": True}), profile(), True),
    ]
    for config, data, validation in refused:
        assert partner_config(config, data, validation) is None


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
    alone, partner, vote = map(float, SCORES.search(said[0]).groups())
    if said[0].endswith("the run answers with nbsvm alone"):
        assert alone >= max(partner, vote), said
        assert not (tmp_path / "run" / FOLDER).exists() and not isinstance(answers, Ensemble)
    else:
        assert isinstance(answers, Ensemble) and isinstance(result.outputs, Ensemble)
        document = json.loads((tmp_path / "run/vote.json").read_text())
        assert document["members"] == [FOLDER]
        assert load(tmp_path / "run" / FOLDER).model_name == "textcnn"
        if said[0].endswith("the run answers with textcnn alone"):
            assert partner > alone and partner >= vote, said
            assert document["weights"] == [0.0, 1.0] and answers.weights == [0.0, 1.0]
        else:
            assert said[0].endswith("the run answers with the vote"), said
            assert vote > max(alone, partner) and "weights" not in document, said
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
    alone, partner, vote = map(float, SCORES.search(said).groups())
    assert partner > alone and vote > alone, said
    assert isinstance(result.outputs, Ensemble) and isinstance(
        load_outputs(tmp_path / "run"), Ensemble
    )
    assert result.report["accuracy"] > 0.65  # chance: 0.5


def test_a_stop_in_the_partners_training_then_resume_gives_the_same_run(tmp_path):
    stop_at_a_line_then_resume(rare_words_data(tmp_path), tmp_path, "  textcnn: epoch 2 ", FOLDER)
    assert (tmp_path / "whole/vote.json").exists()
    assert_same_run(tmp_path / "run" / FOLDER, tmp_path / "whole" / FOLDER)
    assert (tmp_path / "run/vote.json").read_text() == (tmp_path / "whole/vote.json").read_text()


def test_uci_sentences_answer_with_a_vote_better_than_nbsvm_alone_on_validation(mirror, tmp_path):
    lines: list[str] = []
    result = train(
        RunConfig().with_overrides({"data.name": "uci_sentences"}), None, echo=lines.append
    )
    said = next(line for line in lines if line.startswith("validation accuracy: nbsvm"))
    alone, partner, vote = map(float, SCORES.search(said).groups())
    assert isinstance(result.outputs, Ensemble) == (max(partner, vote) > alone)
    assert result.report["accuracy"] > 0.8


def test_the_vote_files_weights_decide_what_answers_everywhere(tmp_path):
    """A partner that answers alone (weights 0 and 1 in vote.json) is what the library, the
    report's figures and the server's engine all answer with; damaged weights are refused."""
    from textnn.analysis.figures import RunView
    from textnn.runs import manifest
    from textnn.runs.directory import VOTE_FILE, VOTE_FORMAT
    from textnn.serve.engine import Engine

    def vote_file(weights) -> None:
        document = {"format": VOTE_FORMAT, "version": 1, "members": [FOLDER], "weights": weights}
        manifest.commit(run, {VOTE_FILE: json.dumps(document).encode()}, finished=True)

    run = tmp_path / "run"
    train(rare_words_data(tmp_path), run, echo=lambda _: None)
    texts = ["the film was good7", "a plot with bad12 actors", "it"]
    partner = load(run / FOLDER).predict_proba(texts)
    vote_file([0.0, 1.0])
    answers = load_outputs(run)
    np.testing.assert_allclose(answers.predict_proba(texts), partner, rtol=1e-6)
    np.testing.assert_allclose(Engine(answers, 8).probabilities(texts), partner, atol=1e-5)
    assert RunView(run).outputs.weights == [0.0, 1.0]
    # a run joining with --vote-with weighs as much as the run's own voters on average
    joined = load_outputs(run, [run / FOLDER])
    assert joined.weights == pytest.approx([0.0, 2 / 3, 1 / 3])
    for bad in ([1.0], [0.0, 0.0], [-1.0, 2.0], "0.5", [True, 1.0]):
        vote_file(bad)
        with pytest.raises(DataError, match="'weights' must be 2 numbers of at least 0"):
            load_outputs(run)

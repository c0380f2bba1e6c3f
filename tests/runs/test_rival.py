"""nbsvm's weight decay chosen on validation (runs/rival.py): a second fit without it only
where the decay is left to the data, the better of the two kept with its own log and config,
and a stop in the second fit resumed to the same run."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import toy_csv
from tests.runs.test_resume import stop_at_a_line_then_resume
from textnn.config import RunConfig
from textnn.runs.directory import load
from textnn.runs.pipeline import train
from textnn.runs.rival import FOLDER, better, rival_config

SAID = re.compile(
    r"best validation score with weight decay ([\d.e-]+) ([\d.]+), without ([\d.]+): "
    r"the run keeps the fit (with|without) it"
)


def rare_cues_csv(path: Path, n: int = 1_500, cues: int = 300, agree: float = 0.7) -> Path:
    """Texts whose label one of 600 rare words tells (each seen about 2-3 times), beside a
    common word that agrees with the label 70% of the time: the decay shrinks the rare words'
    weights, so that the common word decides more often (on these texts, seeded as they are,
    the fit without it validates better)."""
    rng = np.random.default_rng(0)
    filler = ["the", "film", "was", "a", "plot", "and", "with", "actors", "it", "story"]
    words = {"pos": [f"good{i}" for i in range(cues)], "neg": [f"bad{i}" for i in range(cues)]}
    other = {"pos": "neg", "neg": "pos"}
    common = {"pos": "fine", "neg": "meh"}
    rows = ["text,label"]
    for i in range(n):
        label = "pos" if i % 2 else "neg"
        text = list(rng.choice(filler, size=rng.integers(3, 9)))
        text.insert(rng.integers(0, len(text)), rng.choice(words[label]))
        text.append(common[label if rng.random() < agree else other[label]])
        rows.append(f"{' '.join(text)},{label}")
    path.write_text("\n".join(rows) + "\n")
    return path


def plain(data: Path) -> RunConfig:
    return RunConfig().with_overrides({"data.name": str(data), "model": "nbsvm"})


def test_only_a_decay_left_to_the_data_gets_a_second_fit():
    asked = RunConfig().with_overrides({"model": "nbsvm"})
    resolved = asked.with_overrides({"train.weight_decay": 1e-3})
    found = rival_config(asked, resolved, has_validation=True)
    assert found is not None and found.train.weight_decay == 0.0
    assert found.with_overrides({"train.weight_decay": 1e-3}) == resolved
    refused = [
        (asked.with_overrides({"train.weight_decay": 1e-3}), resolved, True),  # given
        (asked, resolved, False),  # nothing to choose on
        (asked.with_overrides({"train.refit": True}), resolved, True),
        (asked.with_overrides({"init": "runs/source"}), resolved, True),
        # the second fit would have the teacher label the unlabelled texts again
        (asked.with_overrides({"teacher": "runs/teacher"}), resolved, True),
        (asked, resolved.with_overrides({"model": "textcnn"}), True),
        (asked, resolved.with_overrides({"train.weight_decay": 0.0}), True),
    ]
    for mine, theirs, validation in refused:
        assert rival_config(mine, theirs, validation) is None


def test_a_tie_keeps_the_decay():
    assert not better(0.8, 0.8) and better(0.8, 0.81) and not better(0.8, 0.79)
    assert not better(0.8, None) and better(None, 0.5)


@pytest.mark.parametrize("make", [toy_csv, rare_cues_csv])
def test_the_run_keeps_the_fit_that_validates_better(tmp_path, make):
    data = make(tmp_path / "data.csv")
    lines: list[str] = []
    result = train(plain(data), tmp_path / "run", echo=lines.append)
    said = [m for line in lines if (m := SAID.fullmatch(line))]
    assert len(said) == 1, lines
    decay, with_it, without, kept = said[0].groups()
    assert (kept == "without") == (float(without) > float(with_it))
    wanted = 0.0 if kept == "without" else float(decay)
    saved = json.loads((tmp_path / "run/config.json").read_text())
    assert saved["train"]["weight_decay"] == wanted == result.config.train.weight_decay
    log = [json.loads(line) for line in (tmp_path / "run/metrics.jsonl").read_text().splitlines()]
    best = max(record["val_accuracy"] for record in log)
    assert round(best, 4) == float(without if kept == "without" else with_it)
    assert not (tmp_path / "run" / FOLDER).exists()
    answers = load(tmp_path / "run").predict_proba(["good1 fine", "bad2 meh the film"])
    assert answers.shape == (2, 2)
    if make is rare_cues_csv:  # these texts are made so that the fit without it wins
        assert kept == "without"


def test_a_stop_in_the_second_fit_then_resume_gives_the_same_run(tmp_path):
    settings = plain(rare_cues_csv(tmp_path / "data.csv"))
    stop_at_a_line_then_resume(settings, tmp_path, "  no decay: epoch 2 ", FOLDER)
    assert not (tmp_path / "run" / FOLDER).exists()

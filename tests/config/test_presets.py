"""Presets: each classic set-up builds, lists, and gives way to config files and flags."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from tests.helpers import toy_csv
from textnn.cli import main
from textnn.config import RunConfig
from textnn.config.presets import PRESETS
from textnn.models import build_model
from textnn.models.registry import get as get_model


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_is_a_valid_config_whose_model_builds(name):
    config = PRESETS[name].config()
    assert RunConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config
    options = dict(config.model_options)
    if get_model(config.model).fixed_length:
        options.setdefault("max_length", config.text.max_length)
    # Random numbers stand in for the pretrained vectors.
    vectors = np.random.default_rng(0).normal(size=(100, 50)) if config.embeddings else None
    model = build_model(config.model, embeddings=vectors, vocab_size=100, num_classes=4, **options)
    assert model.config.num_classes == 4


def test_presets_lists_each_with_its_source():
    result = CliRunner().invoke(main, ["presets", "--json"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["name"] for r in records] == list(PRESETS)
    for record in records:
        assert len(record["source"]) > 80 and record["settings"]["data.name"]
    text = CliRunner().invoke(main, ["presets"]).output
    assert "d2l reports 86.5%" in text and "course reports 73%" in text


def test_config_file_overrides_the_preset_and_flags_override_both(tmp_path):
    data = toy_csv(tmp_path / "toy.csv", n=120)
    (tmp_path / "my.toml").write_text(
        "[train]\nepochs = 3\nlearning_rate = 0.02\n[model_options]\nhidden = [8]\n"
    )
    out = tmp_path / "run"
    args = ["train", "--preset", "course-mlp-uci", "--config", str(tmp_path / "my.toml")]
    args += ["--data", str(data), "--epochs", "1", "--set", "train.batch_size=16"]
    result = CliRunner().invoke(main, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    saved = json.loads((out / "config.json").read_text())
    assert saved["model"] == "mlp"  # preset
    assert saved["model_options"] == {"embed_dim": 64, "hidden": [8]}  # merged into the preset's
    assert saved["train"]["learning_rate"] == 0.02  # file
    assert saved["train"]["epochs"] == 1  # flag over file
    assert saved["train"]["batch_size"] == 16  # --set over preset
    assert saved["text"]["max_length"] == 64 and saved["data"]["test_fraction"] == 0.1


def test_an_unknown_preset_lists_the_known_ones(tmp_path):
    result = CliRunner().invoke(main, ["train", "--preset", "d2l-cnn", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "d2l-textcnn-imdb" in result.output

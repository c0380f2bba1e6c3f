"""RunConfig: files, overrides, and the checks and defaults of `validated`."""

import pytest

from textnn.config import RunConfig
from textnn.errors import DataError


def test_config_files_and_overrides(tmp_path):
    (tmp_path / "c.toml").write_text('model = "bilstm"\n[train]\nepochs = 2\n')
    cfg = RunConfig.load(tmp_path / "c.toml")
    assert cfg.model == "bilstm" and cfg.train.epochs == 2 and cfg.text.max_length == "auto"
    cfg.save(tmp_path / "c.json")
    assert RunConfig.load(tmp_path / "c.json") == cfg
    with pytest.raises(DataError, match=r"unknown config field 'train\.epoch'"):
        cfg.with_overrides({"train.epoch": 3})
    (tmp_path / "bad.toml").write_text("[train]\nepochz = 2\n")
    with pytest.raises(DataError, match="unknown field"):
        RunConfig.load(tmp_path / "bad.toml")


def with_(**values) -> RunConfig:
    return RunConfig().with_overrides(values)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"train.epochs": 0}, "train.epochs"),
        ({"train.epochs": -1}, "train.epochs"),
        ({"train.batch_size": 0}, "train.batch_size"),
        ({"text.max_length": 0}, "text.max_length"),
        ({"missing_vectors": "ones"}, "missing_vectors"),
        ({"train.freeze": "encoder"}, "train.freeze"),
        ({"extend_vocab": True}, "extend_vocab"),
        ({"train.refit": True, "data.validation_fraction": 0.0}, "train.refit"),
        ({"data.unlabeled": "more.txt"}, "data.unlabeled"),
        ({"data.options": {"unlabeled": True}}, "data.options.unlabeled"),
        ({"data.multilabel": "maybe"}, "data.multilabel"),
        ({"data.multilabel": 1}, "data.multilabel"),
        ({"train.weight_decay": -0.1}, "train.weight_decay"),
        ({"train.weight_decay": "lots"}, "train.weight_decay"),
        ({"train.weight_decay": True}, "train.weight_decay"),
    ],
)
def test_settings_that_cannot_train_are_refused_naming_the_field(values, field):
    with pytest.raises(DataError) as caught:
        with_(**values).validated()
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("values", "rate"),
    [
        ({"model": "textcnn"}, 1e-3),
        ({}, None),  # model "auto": the chosen model's rule (runs.adaptive), once data is seen
        ({"init": "runs/source", "train.freeze": "encoder"}, 1e-3),
        ({"init": "runs/source", "train.freeze": "none"}, 1e-4),
        ({"init": "runs/source", "train.freeze": "embeddings"}, 1e-4),
        ({"init": "runs/source", "train.freeze": "none", "train.learning_rate": 0.02}, 0.02),
        ({"train.learning_rate": 0.05}, 0.05),
    ],
)
def test_the_learning_rate_rule_fills_only_what_is_not_given(values, rate):
    assert with_(**values).validated().train.learning_rate == rate


@pytest.mark.parametrize("given", [None, "none", "None"])
def test_no_pretrained_vectors_by_none_or_the_word(given):
    assert with_(embeddings=given).validated().embeddings is None
    assert with_(embeddings="glove-6b-50d").validated().embeddings == "glove-6b-50d"

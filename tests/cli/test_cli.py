import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from textnn.cli import main


def test_datasets_json_lists_every_builtin_and_where_files_come_from():
    result = CliRunner().invoke(main, ["datasets", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["name"] for r in rows] == [
        "imdb",
        "ag_news",
        "uci_sentences",
        "mr",
        "subj",
        "cr",
        "mpqa",
        "goemotions",
    ]
    assert rows[0]["splits"] == {"train": 25000, "test": 25000}
    assert set(rows[0]["files"].values()) == {"download"}


def test_datasets_stats_offline_with_nothing_local():
    result = CliRunner().invoke(main, ["datasets", "--stats"])
    assert result.exit_code == 0, result.output
    assert result.output.count("no split is available offline") == 8


@pytest.mark.mirror
def test_datasets_stats_from_the_mirror(mirror):
    result = CliRunner().invoke(main, ["datasets", "--stats", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["name"]: r for r in map(json.loads, result.output.splitlines())}
    assert rows["mr"]["stats"]["train"]["per_class"] == {"neg": 5331, "pos": 5331}
    # multi-label: texts carrying each label
    assert rows["goemotions"]["stats"]["validation"]["per_class"]["grief"] == 13
    assert rows["ag_news"]["offline_splits"] == ["test"]
    assert rows["imdb"]["files"]["imdb/aclImdb_v1.tar.gz"] == "mirror: aclImdb_v1_text.tar.xz"


def test_help_teaches_with_examples():
    result = CliRunner().invoke(main, ["datasets", "--help"])
    assert result.exit_code == 0 and "Examples:" in result.output


def test_entry_point_runs(tmp_path):
    env = {**os.environ, "TEXTNN_HOME": str(tmp_path)}
    env.pop("TEXTNN_MIRROR", None)
    exe = Path(sys.executable).parent / "textnn"
    out = subprocess.run(
        [str(exe), "--version"], capture_output=True, text=True, env=env, check=True
    )
    assert "0.1.0" in out.stdout


def test_models_lists_the_zoo():
    result = CliRunner().invoke(main, ["models"])
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.output.splitlines()]
    assert names == [
        "mlp",
        "fasttext",
        "nbsvm",
        "textcnn",
        "conv1d",
        "conv1d-stack",
        "cnn-deep",
        "lstm",
        "gru",
        "bilstm",
        "bigru",
    ]


def test_summary_of_a_model_with_overrides():
    result = CliRunner().invoke(
        main,
        [
            "summary",
            "--model",
            "textcnn",
            "--vocab-size",
            "100",
            "--set",
            "widths=[2,3]",
            "--set",
            "channels=10",
        ],
    )
    assert result.exit_code == 0, result.output
    config = json.loads(result.output.splitlines()[0].removeprefix("config: "))
    assert config["widths"] == [2, 3] and config["vocab_size"] == 100
    # embedding 100x50, convs 2*50*10+10 and 3*50*10+10, dense 20*2+2
    assert "total 7,562 parameters" in result.output


def test_summary_errors_are_one_line():
    result = CliRunner().invoke(main, ["summary", "--model", "textcn"])
    assert result.exit_code == 2 and "did you mean 'textcnn'" in result.output
    result = CliRunner().invoke(main, ["summary", "--model", "lstm", "--set", "head=sum"])
    assert result.exit_code == 2 and "combines two directions" in result.output

"""The command-line contract, end to end, on data made here (and on IMDb from the mirror)."""

import json

import pytest
from click.testing import CliRunner

from tests.helpers import toy_csv
from textnn.cli import main


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    data = toy_csv(root / "toy.csv", n=400)
    out = root / "run"
    result = CliRunner().invoke(
        main,
        [
            "train",
            "--data",
            str(data),
            "--model",
            "textcnn",
            "--embeddings",
            "none",
            "--epochs",
            "4",
            "--out",
            str(out),
            "--seed",
            "1",
            "--batch-size",
            "32",
            "--max-length",
            "32",
            "--lr",
            "0.01",
            "--set",
            "model_options.channels=16",
            "--set",
            "model_options.embed_dim=16",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "epoch 4" in result.output and "confusion matrix" in result.output
    return out


def test_evaluate_json(run_dir):
    result = CliRunner().invoke(main, ["evaluate", str(run_dir), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert {"accuracy", "macro_f1", "per_class", "confusion_matrix"} <= set(report)
    assert report["accuracy"] > 0.8


def test_predict_json_texts_and_files(run_dir, tmp_path):
    result = CliRunner().invoke(
        main, ["predict", str(run_dir), "a great film", "awful plot", "--json"]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["label"] for r in rows] == ["pos", "neg"]
    assert all(abs(sum(r["probabilities"].values()) - 1) < 1e-5 for r in rows)
    (tmp_path / "texts.txt").write_text("lovely story\nboring actors\n")
    result = CliRunner().invoke(
        main, ["predict", str(run_dir), "--file", str(tmp_path / "texts.txt"), "--json"]
    )
    assert [json.loads(line)["text"] for line in result.output.splitlines()] == [
        "lovely story",
        "boring actors",
    ]
    (tmp_path / "t.csv").write_text('id,review\n1,"superb, brilliant"\n2,dreadful\n')
    result = CliRunner().invoke(
        main, ["predict", str(run_dir), "--file", str(tmp_path / "t.csv"), "--column", "review"]
    )
    assert result.exit_code == 0 and result.output.splitlines()[0].startswith("pos")


def test_summary_of_a_run(run_dir):
    result = CliRunner().invoke(main, ["summary", str(run_dir)])
    assert result.exit_code == 0 and "TextCNN" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["train", "--data", "imbd", "--out", "x"], "did you mean 'imdb'"),
        (["train", "--data", "imdb", "--model", "textcn", "--out", "x"], "did you mean 'textcnn'"),
        (["predict", "nowhere", "text"], "run directory not found"),
        (["train", "--out", "x", "--set", "train.epoch=3"], "unknown config field"),
    ],
)
def test_errors_are_one_clear_line(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert message in result.output


@pytest.mark.mirror
@pytest.mark.slow
def test_imdb_model_tells_made_up_reviews_apart(mirror, tmp_path):
    """The textbook sanity check, on a small fast model trained on the real IMDb data."""
    result = CliRunner().invoke(
        main,
        [
            "train",
            "--data",
            "imdb",
            "--model",
            "fasttext",
            "--embeddings",
            "glove-6b-50d",
            "--epochs",
            "1",
            "--max-length",
            "256",
            "--tokenizer",
            "glove",
            "--lr",
            "0.005",
            "--set",
            "model_options.bigram_buckets=65536",
            "--out",
            str(tmp_path / "run"),
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "run" / "report.json").read_text())
    assert report["accuracy"] > 0.84
    result = CliRunner().invoke(
        main,
        [
            "predict",
            str(tmp_path / "run"),
            "--json",
            "This movie is so great! A wonderful, moving story and brilliant acting.",
            "This movie is so bad. A boring, stupid plot and terrible acting; a waste of time.",
        ],
    )
    labels = [json.loads(line)["label"] for line in result.output.splitlines()]
    assert labels == ["pos", "neg"]
    # Transfer: the IMDb encoder under a new head for the UCI sentences (its own labels).
    args = ["finetune", str(tmp_path / "run"), "--data", "uci_sentences", "--epochs", "5"]
    result = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "uci")])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "uci" / "report.json").read_text())
    assert list(report["per_class"]) == ["negative", "positive"]
    assert report["accuracy"] > 0.75


def test_finetune_puts_a_new_head_on_a_run_for_other_labels(run_dir, tmp_path):
    from tests.helpers import three_class_csv

    data = three_class_csv(tmp_path / "three.csv")
    out = tmp_path / "tuned"
    args = ["finetune", str(run_dir), "--data", str(data), "--epochs", "2", "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "a new head for 3 classes; frozen: encoder" in result.output
    saved = json.loads((out / "config.json").read_text())
    assert saved["init"] == str(run_dir) and saved["train"]["learning_rate"] == 1e-3
    result = CliRunner().invoke(main, ["predict", str(out), "--json", "a superb film"])
    assert set(json.loads(result.output)["probabilities"]) == {"bad", "good", "neutral"}
    result = CliRunner().invoke(main, ["finetune", str(run_dir), "--out", str(out)])
    assert result.exit_code == 2 and "give --data" in result.output
    result = CliRunner().invoke(main, [*args[:-1], str(tmp_path / "grown"), "--extend-vocab"])
    assert result.exit_code == 0, result.output
    assert "words of the training split joined the vocabulary" in result.output
    assert json.loads((tmp_path / "grown" / "config.json").read_text())["extend_vocab"] is True


def test_predict_streams_a_file_in_chunks_and_names_bad_lines(run_dir, tmp_path):
    lines = [f"{'great' if i % 2 else 'awful'} film number {i}" for i in range(25)]
    (tmp_path / "many.txt").write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(
        main,
        [
            "predict",
            str(run_dir),
            "--file",
            str(tmp_path / "many.txt"),
            "--json",
            "--batch-size",
            "4",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["text"] for r in rows] == lines
    (tmp_path / "bad.txt").write_bytes(b"fine\n\ncaf\xe9\n")
    result = CliRunner().invoke(
        main, ["predict", str(run_dir), "--file", str(tmp_path / "bad.txt")]
    )
    assert result.exit_code == 2 and "line 2" in result.output and "empty" in result.output

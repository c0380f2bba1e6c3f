"""`textnn autotune` from the command line: a run that predict and evaluate read, and budgets
that are usage errors."""

import json

import pytest
from click.testing import CliRunner

from tests.helpers import toy_csv
from textnn.cli import main


@pytest.mark.parametrize("budget", ["0", "abc", "-3m"])
def test_bad_budget_is_a_usage_error(tmp_path, budget):
    data = toy_csv(tmp_path / "toy.csv", n=60)
    result = CliRunner().invoke(
        main, ["autotune", "--data", str(data), "--budget", budget, "--out", str(tmp_path / "r")]
    )
    assert result.exit_code == 2 and "--budget" in result.output
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("workers", ["0", "two"])
def test_bad_workers_is_a_usage_error(tmp_path, workers):
    data = toy_csv(tmp_path / "toy.csv", n=60)
    args = ["autotune", "--data", str(data), "--workers", workers, "--out", str(tmp_path / "r")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "--workers" in result.output
    assert not (tmp_path / "r").exists()


def test_autotune_then_predict_and_evaluate(tmp_path):
    data = toy_csv(tmp_path / "toy.csv", n=300)
    run = tmp_path / "run"
    runner = CliRunner()
    result = runner.invoke(
        main, ["autotune", "--data", str(data), "--budget", "15s", "--out", str(run)]
    )
    assert result.exit_code == 0, result.output
    assert "chosen on validation" in result.output and "accuracy" in result.output
    predicted = runner.invoke(main, ["predict", str(run), "a great film", "--json"])
    assert predicted.exit_code == 0, predicted.output
    assert json.loads(predicted.output.strip().splitlines()[-1])["label"] == "pos"
    evaluated = runner.invoke(main, ["evaluate", str(run), "--json"])
    assert evaluated.exit_code == 0, evaluated.output
    assert json.loads(evaluated.output)["accuracy"] >= 0.9
    reported = runner.invoke(
        main, ["report", str(run), "--explanations", "1", "--num-samples", "200"]
    )
    assert reported.exit_code == 0, reported.output
    page = (run / "report.html").read_text()
    assert "<h2>Autotune</h2>" in page and "chosen" in page
    again = runner.invoke(
        main, ["autotune", "--data", str(data), "--budget", "5s", "--out", str(run)]
    )
    assert again.exit_code == 2 and "--overwrite" in again.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["--resume", "RUN", "--data", "x.csv"], "drop --data"),
        (["--data", "x.csv"], "give --data and --out"),
        (["--resume", "RUN"], "nothing to resume"),
    ],
)
def test_resume_and_its_errors(tmp_path, args, message):
    (tmp_path / "RUN").mkdir()
    args = [str(tmp_path / a) if a == "RUN" else a for a in args]
    result = CliRunner().invoke(main, ["autotune", *args])
    assert result.exit_code == 2 and message in result.output, result.output


def test_given_vectors_are_the_networks_first_choice_and_a_missing_file_is_a_usage_error(
    tmp_path,
):
    data = toy_csv(tmp_path / "toy.csv", n=200)
    runner = CliRunner()
    vectors = tmp_path / "toy-vectors.txt"
    made = runner.invoke(
        main, ["vectors", "--input", str(data), "--dim", "8", "--min-count", "1",
               "--workers", "1", "--out", str(vectors)]
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    run = tmp_path / "run"
    args = ["autotune", "--data", str(data), "--budget", "12s", "--out", str(run)]
    result = runner.invoke(main, [*args, "--embeddings", str(vectors)])
    assert result.exit_code == 0, result.output
    trials = [json.loads(line) for line in (run / "autotune.jsonl").read_text().splitlines()]
    textcnn = next(t for t in trials if t.get("model") == "textcnn")
    assert textcnn["params"]["textcnn_vectors"] == "toy-vectors.txt"
    assert textcnn["state"] != "failed", textcnn  # read the file (cut or pruned are fine)
    missing = runner.invoke(
        main, [*args[:-1], str(tmp_path / "r2"), "--embeddings", str(tmp_path / "no.vec")]
    )
    assert missing.exit_code == 2 and "no.vec" in missing.output, missing.output
    assert not (tmp_path / "r2").exists()

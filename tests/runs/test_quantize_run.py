"""`textnn quantize` on a trained run: the copy is smaller, loads through the verified loader,
predicts as the full run does, and is refused where it cannot serve (training on from it,
quantizing it again, a missing table)."""

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

from textnn.errors import DataError
from textnn.runs.compact import quantize_run
from textnn.runs.directory import load
from textnn.runs.pipeline import train

TEXTS = ["the film was great and lovely", "a boring plot, awful actors", "it was a story"]


@pytest.mark.parametrize("method", ["int8", "pq"])
def test_a_quantized_run_is_smaller_and_predicts_as_the_full_one(toy_run, tmp_path, method):
    result = quantize_run(toy_run, tmp_path / "small", method)
    assert result["tables"] == ["embed.table"]
    disk, memory = result["disk_bytes"], result["memory_bytes"]
    if method == "int8":  # pq's 256 centroids per piece outweigh a toy table's rows
        assert disk[1] < disk[0] and memory[1] < memory[0]
    full, small = load(toy_run), load(tmp_path / "small")
    assert small.quantized["method"] == method and full.quantized is None
    p, q = full.predict_proba(TEXTS), small.predict_proba(TEXTS)
    assert np.abs(p - q).max() < 0.05
    assert full.predict(TEXTS) == small.predict(TEXTS)
    arrays = load_file(str(tmp_path / "small" / "params.safetensors"))
    assert arrays["embed.table.codes"].dtype == (np.int8 if method == "int8" else np.uint8)
    assert "embed.table" not in arrays


def test_quantize_refuses_a_quantized_run_and_training_from_one(toy_run, tmp_path):
    from tests.helpers import config, toy_csv

    quantize_run(toy_run, tmp_path / "small")
    with pytest.raises(DataError, match="quantized already"):
        quantize_run(tmp_path / "small", tmp_path / "smaller")
    with pytest.raises(DataError, match="already exists"):
        quantize_run(toy_run, tmp_path / "small")
    voting = tmp_path / "voting"
    shutil.copytree(toy_run, voting)
    (voting / "vote.json").write_text("{}")
    with pytest.raises(DataError, match="vote of several runs"):
        quantize_run(voting, tmp_path / "vote-small")
    data = toy_csv(tmp_path / "toy.csv", n=60)
    with pytest.raises(DataError, match="does not train further"):
        train(config(data, init=str(tmp_path / "small")), tmp_path / "on", echo=lambda _: None)


def test_a_quantized_run_missing_a_table_is_refused(toy_run, tmp_path):
    from textnn.runs import manifest

    quantize_run(toy_run, tmp_path / "small")
    path = tmp_path / "small" / "params.safetensors"
    arrays = load_file(str(path))
    del arrays["embed.table.scales"]
    save_file(arrays, str(path))
    # a file changed after the run was written is refused by the manifest first ...
    with pytest.raises(DataError, match="does not match the run's manifest"):
        load(tmp_path / "small")
    # ... and, the manifest rewritten to match, by the loader
    manifest.commit(tmp_path / "small", {"params.safetensors": path.read_bytes()}, finished=True)
    with pytest.raises(DataError, match=r"quantized table .embed\.table\.scales. missing"):
        load(tmp_path / "small")


def test_the_quantize_command(toy_run, tmp_path):
    textnn = [sys.executable, "-m", "textnn.cli"]
    done = subprocess.run(
        [*textnn, "quantize", str(toy_run), "--out", str(tmp_path / "q"), "--method", "pq"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "x smaller" in done.stdout and "embed.table" in done.stdout
    predicted = subprocess.run(
        [*textnn, "predict", str(tmp_path / "q"), "--json", TEXTS[0]],
        capture_output=True,
        text=True,
    )
    assert predicted.returncode == 0, predicted.stderr
    assert json.loads(predicted.stdout)["label"] == "pos"
    from click.testing import CliRunner

    from textnn.cli import main

    again = CliRunner().invoke(main, ["quantize", str(toy_run), "--out", str(tmp_path / "q")])
    assert again.exit_code == 2 and "already exists" in again.output
    assert again.exception is None or isinstance(again.exception, SystemExit)

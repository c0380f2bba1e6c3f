"""Runs that are never silently wrong: files committed together under a manifest, a torn or
damaged run refused with the file named, an existing --out refused unless --overwrite, and a
Ctrl-C that stops training cleanly and says what is on disk."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import config, toy_csv
from textnn.errors import DataError
from textnn.runs import manifest
from textnn.runs.directory import LOG, RUN_FILES, load
from textnn.runs.pipeline import train

ROOT = Path(__file__).resolve().parents[2]


def quiet(_):
    return None


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("integrity")
    out = root / "run"
    train(config(toy_csv(root / "toy.csv", n=80), **{"train.epochs": 1}), out, echo=quiet)
    return out


def copy_of(run: Path, tmp_path: Path) -> Path:
    out = tmp_path / "copy"
    out.mkdir()
    for path in run.iterdir():
        (out / path.name).write_bytes(path.read_bytes())
    return out


def test_the_manifest_lists_every_file_of_a_finished_run(run):
    listed = json.loads((run / manifest.MANIFEST).read_text())
    assert listed["finished"] is True
    assert set(listed["files"]) == {*RUN_FILES, LOG}
    load(run)


@pytest.mark.parametrize("name", [*RUN_FILES, LOG])
@pytest.mark.parametrize("damage", ["flip a byte", "truncate", "delete"])
def test_each_damaged_file_is_refused_by_name(run, tmp_path, name, damage):
    copy = copy_of(run, tmp_path)
    path = copy / name
    data = bytearray(path.read_bytes())
    if damage == "flip a byte":
        data[len(data) // 2] ^= 0x01  # same size: only the checksum can tell
        path.write_bytes(bytes(data))
    elif damage == "truncate":
        path.write_bytes(bytes(data[: len(data) // 2]))
    else:
        path.unlink()
    with pytest.raises(DataError, match=rf"{name}: (does not match|listed in)") as caught:
        load(copy)
    assert "train it again" in str(caught.value)


def test_an_unfinished_run_says_so(run, tmp_path):
    copy = copy_of(run, tmp_path)
    manifest.commit(copy, {}, finished=False)
    with pytest.raises(DataError, match="training did not finish"):
        load(copy)
    assert load(copy, allow_unfinished=True).predict(["a great film"])


def test_non_finite_parameters_are_an_error_never_nan_probabilities(run, tmp_path):
    from safetensors.numpy import load as read_tensors
    from safetensors.numpy import save as write_tensors

    copy = copy_of(run, tmp_path)
    arrays = read_tensors((copy / "params.safetensors").read_bytes())
    first = sorted(arrays)[0]
    arrays[first] = np.full_like(arrays[first], np.nan)
    manifest.commit(copy, {"params.safetensors": write_tensors(arrays)}, finished=True)
    with pytest.raises(DataError, match="NaN or infinite"):
        load(copy)


def test_an_existing_out_is_refused_unless_overwrite(run, tmp_path):
    data = toy_csv(tmp_path / "toy.csv", n=60)
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(DataError, match=r"already exists and is not empty.*--overwrite"):
        train(config(data, **{"train.epochs": 1}), out, echo=quiet)
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    train(config(data, **{"train.epochs": 1}), out, echo=quiet, overwrite=True)
    assert (out / "notes.txt").read_text() == "mine"  # not a run's file: left alone
    load(out)


def test_an_overwrite_stopped_early_leaves_no_run_to_trust(run, tmp_path):
    """The old run's manifest goes first, so a new run that dies before its first save is
    refused rather than taken for the old one."""
    copy = copy_of(run, tmp_path)
    from textnn.runs.directory import prepare_run_dir

    prepare_run_dir(copy, overwrite=True)
    assert not (copy / manifest.MANIFEST).exists() and not (copy / "params.safetensors").exists()
    with pytest.raises(DataError, match="holds no run"):
        load(copy)


def test_ctrl_c_saves_a_checkpoint_and_says_how_to_resume(tmp_path):
    data = toy_csv(tmp_path / "toy.csv", n=400)
    out = tmp_path / "run"
    command = [
        sys.executable, "-m", "textnn.cli", "train", "--data", str(data), "--model", "fasttext",
        "--embeddings", "none", "--epochs", "500", "--batch-size", "8", "--out", str(out),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    lines = []
    for line in process.stdout:
        lines.append(line)
        if line.startswith("epoch 2 "):
            process.send_signal(signal.SIGINT)
            break
    output = "".join(lines) + process.communicate(timeout=120)[0]
    assert process.returncode == 130, output
    assert "interrupted in epoch" in output and f"textnn train --resume {out}" in output
    assert "Traceback" not in output
    with pytest.raises(DataError, match="training did not finish"):
        load(out)
    load(out, allow_unfinished=True)
    assert list((out / "checkpoints").glob("*.safetensors"))  # saved on the signal


@pytest.mark.parametrize(
    "document",
    [
        {"format": "textnn.manifest", "version": 1, "finished": True, "files": {"run.json": {}}},
        {"format": "textnn.manifest", "version": 1, "finished": "yes", "files": {}},
        {"format": "textnn.manifest", "version": 1, "finished": True, "files": []},
    ],
)
def test_a_manifest_of_the_wrong_shape_is_damaged(run, tmp_path, document):
    """Found by fuzzing the run loader: valid JSON that is not a manifest textnn writes."""
    copy = copy_of(run, tmp_path)
    (copy / manifest.MANIFEST).write_text(json.dumps(document))
    with pytest.raises(DataError, match="damaged manifest"):
        load(copy)

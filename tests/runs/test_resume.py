"""Resume after a crash: a training stopped at any step (a signal, a SIGKILL) and resumed from
its newest checkpoint ends with the same parameters, bit for bit, and the same metrics as the
run that was never stopped."""

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import load_file

from tests.helpers import config, toy_csv
from textnn.errors import DataError
from textnn.runs.pipeline import resume, train
from textnn.train.signals import Interrupted

ROOT = Path(__file__).resolve().parents[2]
TIMING = ("seconds", "examples_per_s")  # the only fields of metrics.jsonl that may differ


def quiet(_):
    return None


def settings(data, **more):
    # dropout, so that the random keys must be restored too; patience, so early stopping's state
    return config(
        data,
        **{
            "train.epochs": 4,
            "train.patience": 3,
            "train.learning_rate": 0.01,
            "model_options": {"channels": 8, "embed_dim": 8, "dropout": 0.5},
            **more,
        },
    )


def parameters(run: Path) -> dict[str, np.ndarray]:
    return load_file(str(run / "params.safetensors"))


def metrics(run: Path) -> list[dict]:
    lines = (run / "metrics.jsonl").read_text().splitlines()
    return [{k: v for k, v in json.loads(line).items() if k not in TIMING} for line in lines]


def assert_same_run(a: Path, b: Path) -> None:
    pa, pb = parameters(a), parameters(b)
    assert sorted(pa) == sorted(pb)
    for name in pa:
        np.testing.assert_array_equal(pa[name], pb[name], err_msg=name)
    assert metrics(a) == metrics(b)
    assert (a / "report.json").read_text() == (b / "report.json").read_text()


def stop_at_a_line_then_resume(settings, root: Path, line: str, folder: str) -> Path:
    """Train `settings` whole into `root/whole`, then again into `root/run` stopped (a Ctrl-C)
    when a line starting with `line` is echoed, with checkpoints left in the run's `folder`;
    resume it and check it ended as the whole run. Returns `root`."""
    train(settings, root / "whole", echo=quiet)
    stop = threading.Event()

    def echo(said: str) -> None:
        if said.startswith(line):
            stop.set()

    with pytest.raises(Interrupted, match="a checkpoint was saved"):
        train(settings, root / "run", echo=echo, stop=stop)
    assert (root / "run" / folder / "checkpoints").is_dir()
    resume(root / "run", echo=quiet)
    assert_same_run(root / "run", root / "whole")
    return root


class StopAfter(threading.Event):
    """An Event that reads as set from its `n`-th look on: a stop at a chosen step."""

    def __init__(self, n: int):
        super().__init__()
        self.looks, self.n = 0, n

    def is_set(self) -> bool:
        self.looks += 1
        return self.looks >= self.n


@pytest.fixture(scope="module")
def whole(tmp_path_factory):
    """The run never stopped, and its data."""
    root = tmp_path_factory.mktemp("whole")
    data = toy_csv(root / "toy.csv", n=200)
    train(settings(data), root / "run", echo=quiet)
    return data, root / "run"


@pytest.mark.parametrize("step", [1, 5, 6, 13, 19])  # 6 steps an epoch: ends and middles
def test_a_stop_at_any_step_then_resume_gives_the_same_run(whole, tmp_path, step):
    data, reference = whole
    out = tmp_path / "run"
    with pytest.raises(Interrupted, match="a checkpoint was saved"):
        train(settings(data), out, echo=quiet, stop=StopAfter(step))
    resume(out, echo=quiet)
    assert_same_run(out, reference)
    assert not (out / "checkpoints").exists()  # a finished run keeps none


def test_a_damaged_checkpoint_is_passed_over_for_the_one_before(whole, tmp_path):
    data, reference = whole
    out = tmp_path / "run"
    with pytest.raises(Interrupted):
        train(settings(data, **{"train.checkpoint_keep": 3}), out, echo=quiet, stop=StopAfter(14))
    newest = sorted((out / "checkpoints").glob("*.safetensors"))[-1]
    data_bytes = bytearray(newest.read_bytes())
    data_bytes[-5] ^= 0xFF
    newest.write_bytes(bytes(data_bytes))
    with pytest.warns(Warning, match="does not match its checksum"):
        resume(out, echo=quiet)
    assert_same_run(out, reference)


STOPPED_ELSEWHERE = """
import sys
from pathlib import Path
from tests.runs.test_resume import StopAfter, quiet, settings
from textnn.runs.pipeline import train
from textnn.train.signals import Interrupted
try:
    train(settings(Path(sys.argv[1])), Path(sys.argv[2]), echo=quiet, stop=StopAfter(8))
except Interrupted:
    sys.exit(0)
sys.exit("the run was not stopped")
"""


def test_a_run_stopped_where_xla_compiled_for_other_instructions_says_so_on_resume(whole, tmp_path):
    """Stopped in a process whose XLA compiles for SSE4.2 at most (as on an older CPU), resumed
    in this one: the run finishes, and warns that it may differ in the last bits."""
    data, _ = whole
    out = tmp_path / "run"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        "XLA_FLAGS": "--xla_cpu_max_isa=SSE4_2",
    }
    command = [sys.executable, "-c", STOPPED_ELSEWHERE, str(data), str(out)]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    with pytest.warns(Warning, match=r"compiled for cpu: \S+ \(XLA_FLAGS: at most sse4_2\)"):
        resume(out, echo=quiet)
    assert parameters(out) and not (out / "checkpoints").exists()


def test_a_run_resumed_where_it_was_stopped_gives_no_such_warning(whole, tmp_path):
    data, reference = whole
    out = tmp_path / "run"
    with pytest.raises(Interrupted):
        train(settings(data), out, echo=quiet, stop=StopAfter(8))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning fails the test
        resume(out, echo=quiet)
    assert_same_run(out, reference)


def test_nothing_to_resume_is_a_clear_error(whole, tmp_path):
    _, reference = whole
    with pytest.raises(DataError, match="nothing to resume"):
        resume(reference, echo=quiet)


def test_sigkill_at_a_random_moment_then_resume_from_the_command_line(whole, tmp_path):
    """A real `textnn train` killed with SIGKILL (no handler runs) at a random moment after its
    first checkpoint, then `textnn train --resume`: the same parameters as the run never
    stopped."""
    data, _ = whole
    out, reference = tmp_path / "killed", tmp_path / "reference"
    common = [
        sys.executable, "-m", "textnn.cli", "train", "--data", str(data), "--model", "textcnn",
        "--embeddings", "none", "--epochs", "40", "--batch-size", "16", "--max-length", "32",
        "--set", "model_options.channels=8", "--set", "model_options.embed_dim=8",
        "--set", "train.checkpoint_minutes=0.0002",  # about every step
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([*common, "--out", str(reference)], env=env, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    process = subprocess.Popen([*common, "--out", str(out)], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 120
    while not list((out / "checkpoints").glob("*.json")) and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(random.Random(os.getpid()).uniform(0.0, 0.5))
    process.send_signal(signal.SIGKILL)
    process.wait()
    again = subprocess.run(
        [sys.executable, "-m", "textnn.cli", "train", "--resume", str(out)],
        env=env,
        capture_output=True,
    )
    if again.returncode == 2 and b"nothing to resume" in again.stderr:
        pytest.skip("the run finished before the kill")
    assert again.returncode == 0, again.stderr.decode()[-2000:]
    pa, pb = parameters(out), parameters(reference)
    for name in pa:
        np.testing.assert_array_equal(pa[name], pb[name], err_msg=name)
    assert metrics(out) == metrics(reference)


@pytest.fixture(scope="module")
def whole_refit(tmp_path_factory):
    """A refit run never stopped: a first training chooses the epoch on validation, a second
    one trains on train + validation for that many."""
    root = tmp_path_factory.mktemp("whole-refit")
    data = toy_csv(root / "toy.csv", n=200)
    train(settings(data, **{"train.refit": True}), root / "run", echo=quiet)
    return data, root / "run"


@pytest.mark.parametrize("step", [4, 27, 33])  # in the first training, then in the refit
def test_a_refit_run_stopped_in_either_training_resumes_to_the_same_run(
    whole_refit, tmp_path, step
):
    data, reference = whole_refit
    out = tmp_path / "run"
    lines = []
    with pytest.raises(Interrupted, match="a checkpoint was saved"):
        train(settings(data, **{"train.refit": True}), out, echo=lines.append,
              stop=StopAfter(step))  # fmt: skip
    in_refit = any(line.startswith("refit:") for line in lines)
    assert in_refit == (step > 24)  # 4 epochs of 6 steps come first
    said = []
    resume(out, echo=said.append)
    assert any("resumed at its epoch" in line for line in said) == in_refit
    assert_same_run(out, reference)
    assert not (out / "checkpoints").exists()

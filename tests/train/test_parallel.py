"""Data-parallel training: split over 2 CPU devices (XLA's host device count) and over two
processes joined by jax.distributed, each against one device with the same seed.

JAX fixes its device count when it starts, so each set-up runs in a fresh Python process."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import toy_csv
from textnn.errors import TextnnError
from textnn.train.parallel import select_devices

ROOT = Path(__file__).resolve().parents[2]

TRAIN = """
import json, sys
from pathlib import Path
from tests.helpers import config
from textnn.runs.pipeline import train

def run(devices, out=None):
    data = Path(sys.argv[1]) / "toy.csv"  # written once by the test, before any process starts
    cfg = config(data, **{"train.epochs": 3, "train.learning_rate": 0.01})
    result = train(cfg, out, echo=lambda _: None, devices=devices)
    return {"loss": [e["train_loss"] for e in result.history.epochs],
            "val": [e["val_accuracy"] for e in result.history.epochs],
            "test": result.report["accuracy"]}
"""


def python(code: str, tmp_path: Path, env: dict | None = None) -> subprocess.Popen:
    data = tmp_path / "toy.csv"
    if not data.exists():  # one writer: processes that each wrote it raced a reader (CI saw it)
        toy_csv(data)
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.Popen(
        [sys.executable, "-c", TRAIN + code, str(tmp_path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def result_of(process: subprocess.Popen) -> dict:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


def assert_same_curves(a: dict, b: dict) -> None:
    assert a["loss"] == pytest.approx(b["loss"], rel=1e-5, abs=1e-6)
    assert a["val"] == pytest.approx(b["val"], abs=1e-9)
    assert a["test"] == pytest.approx(b["test"], abs=1e-9)


def test_two_devices_give_the_one_device_loss_curve(tmp_path):
    flags = {"XLA_FLAGS": "--xla_force_host_platform_device_count=2"}
    code = """
import jax
assert len(jax.devices()) == 2, jax.devices()
print(json.dumps({"one": run(1), "two": run(2)}))
"""
    results = result_of(python(code, tmp_path, flags))
    assert_same_curves(results["one"], results["two"])
    assert results["one"]["loss"][-1] < results["one"]["loss"][0]  # it did learn


def test_two_processes_give_the_one_device_loss_curve(tmp_path):
    with socket.socket() as s:  # a free port for the coordinator
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = """
from textnn.train.parallel import initialize_distributed
initialize_distributed()
import jax
assert jax.process_count() == 2 and len(jax.devices()) == 2
print(json.dumps(run("all", Path(sys.argv[1]) / "run")))
"""
    processes = [
        python(
            code,
            tmp_path,
            {
                "JAX_COORDINATOR_ADDRESS": f"127.0.0.1:{port}",
                "JAX_NUM_PROCESSES": "2",
                "JAX_PROCESS_ID": str(i),
            },
        )
        for i in range(2)
    ]
    first, second = (result_of(p) for p in processes)
    single = result_of(python("print(json.dumps(run(1)))", tmp_path))
    assert_same_curves(first, single)
    assert_same_curves(second, single)
    assert (tmp_path / "run" / "params.safetensors").is_file()  # written once, by process 0


def test_asking_for_more_devices_than_exist_says_how_to_get_them():
    with pytest.raises(TextnnError, match="xla_force_host_platform_device_count=64"):
        select_devices(64)
    with pytest.raises(TextnnError, match="a number or 'all'"):
        select_devices("many")

"""compile_cache.py: XLA's persistent cache in TEXTNN_HOME/xla-cache, turned on by the `textnn`
command, read back by a later process; TEXTNN_COMPILE_CACHE=off turns it off and
JAX_COMPILATION_CACHE_DIR is used as it is."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from textnn.compile_cache import compile_cache_dir


def test_the_folder_follows_the_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("TEXTNN_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("JAX_COMPILATION_CACHE_DIR", raising=False)
    monkeypatch.delenv("TEXTNN_COMPILE_CACHE", raising=False)
    assert compile_cache_dir() == tmp_path / "home" / "xla-cache"
    monkeypatch.setenv("TEXTNN_COMPILE_CACHE", str(tmp_path / "mine"))
    assert compile_cache_dir() == tmp_path / "mine"
    monkeypatch.setenv("JAX_COMPILATION_CACHE_DIR", str(tmp_path / "jax's"))
    assert compile_cache_dir() == tmp_path / "jax's"  # the user's own JAX setting wins
    for off in ("off", "OFF", "0", "false", "none"):
        monkeypatch.setenv("TEXTNN_COMPILE_CACHE", off)
        assert compile_cache_dir() is None


def _predict(run: Path, home: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("JAX_")}
    environ.pop("TEXTNN_COMPILE_CACHE", None)
    environ.update(TEXTNN_HOME=str(home), **env)
    return subprocess.run(
        [sys.executable, "-m", "textnn.cli", "predict", str(run), "a great film", "a dull plot"],
        env=environ, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_a_later_command_reads_what_an_earlier_one_compiled(toy_run, tmp_path):
    home = tmp_path / "home"
    log = {"JAX_LOGGING_LEVEL": "DEBUG"}  # JAX then names every cache hit and miss
    first = _predict(toy_run, home, **log)
    assert first.returncode == 0, first.stderr
    assert "CACHE MISS for 'jit_predict_step'" in first.stderr
    assert any(p.name.startswith("jit_predict_step") for p in (home / "xla-cache").iterdir())
    second = _predict(toy_run, home, **log)
    assert second.returncode == 0, second.stderr
    assert "Persistent compilation cache hit for 'jit_predict_step'" in second.stderr
    assert "CACHE MISS for 'jit_predict_step'" not in second.stderr
    assert second.stdout == first.stdout  # the same answers from the program read back


@pytest.mark.parametrize("off", ["off", "0"])
def test_off_writes_nothing(toy_run, tmp_path, off):
    home = tmp_path / "home"
    done = _predict(toy_run, home, TEXTNN_COMPILE_CACHE=off)
    assert done.returncode == 0, done.stderr
    assert not (home / "xla-cache").exists()


def test_a_folder_that_cannot_be_written_is_one_warning_not_a_failure(toy_run, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    done = _predict(toy_run, tmp_path / "home", TEXTNN_COMPILE_CACHE=str(blocker / "cache"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 2  # both texts answered
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "compiled programs are not kept" in warnings[0]
    assert str(blocker / "cache") in warnings[0] and "UserWarning" not in done.stderr

"""Shared fixtures: an isolated cache for every test, one compilation cache for the session, and
the real data mirror for the tests that need it (skipped only when no mirror exists)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REAL_MIRROR = os.environ.get("TEXTNN_MIRROR")

# The suite compiles many small XLA programs and runs each briefly, so compiling is most of its
# time: without LLVM's optimisation passes the whole suite took 635 s against 866 s (one run each,
# 2 workers on 2 cores, 2026-12-07), though the few tests that train long on real data run slower
# (the longest, 71 s -> 120 s). The programs compute the same functions (floats may differ in the
# last bits, as between machines). Set before JAX is imported here or in any process a test
# starts; XLA_FLAGS of your own are kept as they are.
os.environ.setdefault("XLA_FLAGS", "--xla_backend_optimization_level=0")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test starts with an empty cache and no mirror, unless it asks for `mirror`."""
    home = tmp_path / "textnn-home"
    monkeypatch.setenv("TEXTNN_HOME", str(home))
    monkeypatch.delenv("TEXTNN_MIRROR", raising=False)
    return home


@pytest.fixture(scope="session", autouse=True)
def shared_compile_cache(tmp_path_factory: pytest.TempPathFactory):
    """One XLA compilation cache (textnn/compile_cache.py) for the whole session: the many
    `textnn` processes the tests start read back what earlier ones compiled. A test of the
    cache itself removes JAX_COMPILATION_CACHE_DIR from the environment it gives its process."""
    if os.environ.get("JAX_COMPILATION_CACHE_DIR"):
        yield
        return
    os.environ["JAX_COMPILATION_CACHE_DIR"] = str(tmp_path_factory.mktemp("xla-cache"))
    yield
    os.environ.pop("JAX_COMPILATION_CACHE_DIR", None)


@pytest.fixture(scope="session")
def real_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache shared by the real-data tests, so IMDb is parsed once per session."""
    return tmp_path_factory.mktemp("real-home")


@pytest.fixture
def mirror(monkeypatch: pytest.MonkeyPatch, real_home: Path) -> Path:
    """The offline mirror of the real datasets (TEXTNN_MIRROR); skips when there is none."""
    if not REAL_MIRROR or not Path(REAL_MIRROR).is_dir():
        pytest.skip("no data mirror: set TEXTNN_MIRROR to a folder laid out like ../shared/data")
    monkeypatch.setenv("TEXTNN_MIRROR", REAL_MIRROR)
    monkeypatch.setenv("TEXTNN_HOME", str(real_home))
    return Path(REAL_MIRROR)


@pytest.fixture(scope="session")
def toy_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small TextCNN trained on made-up sentiment sentences (a run directory)."""
    from tests.helpers import config, toy_csv
    from textnn.runs.pipeline import train

    root = tmp_path_factory.mktemp("toy-run")
    data = toy_csv(root / "toy.csv", n=400)
    train(config(data, **{"train.learning_rate": 0.01}), root / "run", echo=lambda _: None)
    return root / "run"

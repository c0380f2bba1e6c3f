"""memory.py: glibc's allocator is set at `import textnn`, unless TEXTNN_MALLOC=system."""

import os
import subprocess
import sys

import pytest

from textnn import memory

glibc_only = pytest.mark.skipif(not memory.uses_glibc(), reason="glibc's mallopt only")


def tuned_at_import(**env: str) -> str:
    code = "import textnn; print(textnn.MALLOC_TUNED)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **env},
    )
    return out.stdout.strip()


@glibc_only
def test_import_sets_glibc_and_the_environment_can_opt_out():
    assert tuned_at_import(TEXTNN_MALLOC="") == "True"
    assert tuned_at_import(TEXTNN_MALLOC="system") == "False"
    assert tuned_at_import(TEXTNN_MALLOC="SYSTEM") == "False"


@glibc_only
def test_settings_are_accepted_again(monkeypatch):
    # mallopt answers 1 for each setting it takes: a value glibc refused would show here
    monkeypatch.delenv("TEXTNN_MALLOC", raising=False)
    assert memory.keep_freed_memory() is True

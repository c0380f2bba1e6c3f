"""memory.py: glibc's allocator setting, applied by the `textnn` command and on request, never
at import; TEXTNN_MALLOC=system turns it off."""

import os
import subprocess
import sys

import pytest

from textnn import memory

glibc_only = pytest.mark.skipif(not memory.uses_glibc(), reason="glibc's mallopt only")


@glibc_only
def test_glibc_takes_every_setting(monkeypatch):
    # mallopt answers 1 for each setting it takes: a value glibc refused would show here
    monkeypatch.delenv("TEXTNN_MALLOC", raising=False)
    assert memory.keep_freed_memory() is True


@pytest.mark.parametrize("value", ["system", "SYSTEM"])
def test_the_environment_turns_it_off(monkeypatch, value):
    monkeypatch.setenv("TEXTNN_MALLOC", value)
    assert memory.keep_freed_memory() is False


def test_importing_textnn_leaves_the_allocator_alone():
    # under glibc's defaults a 64 MiB block is mapped on its own (mallinfo2's hblkhd counts
    # it); with the setting it comes from the heap
    code = """
import ctypes, sys, textnn
if sys.argv[1:] == ["tune"]:
    from textnn.memory import keep_freed_memory; keep_freed_memory()
libc = ctypes.CDLL(None)
names = "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost"
class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in names.split()]
libc.mallinfo2.restype = Info
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
block = libc.malloc(64 << 20)  # over the default mmap threshold: mapped, unless tuned
print(libc.mallinfo2().hblkhd >= 64 << 20)
libc.free(block)
"""
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if k != "TEXTNN_MALLOC"},
    )
    if not memory.uses_glibc():
        pytest.skip("glibc's mallinfo2 only")
    assert out.stdout.strip() == "True"

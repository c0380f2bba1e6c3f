"""glibc's allocator, set to keep the memory that XLA frees for reuse: by the `textnn` command
as it starts, and by Python code that calls `keep_freed_memory()` before its first JAX step.

XLA:CPU allocates a jit-compiled step's buffers afresh at every call and frees them after:
hundreds of MB for a BiLSTM training step at batch 64 x 500 tokens. By default glibc serves
such a block with a fresh `mmap` when it is above its mmap threshold (at most 32 MiB), and a
worker thread's own arena takes memory in heaps of at most 64 MiB, each mapped when needed and
unmapped when empty: so every step maps new memory, takes a page fault on every 4 KiB of it,
and unmaps it again. On this project's 2-core machines the BiLSTM step took 1.27x as long that
way and the TextCNN step 1.32x (AMD EPYC, benchmarks/results/models.json as of commit 280aca5),
and 1.19x and 1.18x (Intel Xeon, 2026-12-01; 1.23x and 1.13x the next day); the price was
peak memory on the EPYC, 1,235 -> 1,934 MB for the BiLSTM step and 725 -> 820 MB for TextCNN,
where the Xeon's peaks hardly moved (benchmarks/bench_models.py times both ways:
docs/benchmarks.md, models section).

The settings: one arena for every thread (the main heap, which grows without the 64 MiB cap),
and blocks up to `KEEP_BYTES` taken from it and kept on release, instead of mapped and unmapped.
The cost: up to `KEEP_BYTES` of freed memory may stay with the process instead of going back to
the system. The settings are the whole process's: every library in it shares the allocator, and
threads that allocated before the call keep their own arenas.

Why `import textnn` does not apply them: a library should not change its host process's
allocator unasked, and one did not take it well. With the settings applied at import, fastText
(fasttext-numpy2-wheel) trained in the same process as textnn diverged ("Encountered NaN") in
both fresh-clone CI runs of benchmarks/bench_accuracy.py --quick, three seeds in a row once,
where it never had before; the cause is not known (it did not happen in 14 runs with the settings
outside CI).

With the environment variable TEXTNN_MALLOC=system, nothing is changed (the `textnn` command
included). Nothing is done on other C libraries (musl, macOS, Windows).
"""

from __future__ import annotations

import ctypes
import os

# mallopt's parameter numbers, from glibc's <malloc.h>
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, M_ARENA_MAX = -1, -3, -8
KEEP_BYTES = 1 << 30


def uses_glibc() -> bool:
    try:
        return os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc")
    except (AttributeError, ValueError, OSError):  # no confstr, or no such name here
        return False


def keep_freed_memory() -> bool:
    """Apply the settings above (unless TEXTNN_MALLOC=system); True if glibc took them all."""
    if os.environ.get("TEXTNN_MALLOC", "").lower() == "system" or not uses_glibc():
        return False
    mallopt = ctypes.CDLL(None).mallopt  # the C library this process already runs on
    settings = ((M_ARENA_MAX, 1), (M_MMAP_THRESHOLD, KEEP_BYTES), (M_TRIM_THRESHOLD, KEEP_BYTES))
    return all(mallopt(option, value) == 1 for option, value in settings)

"""XLA's persistent compilation cache, kept in `$TEXTNN_HOME/xla-cache`: a program compiled once
(a training step at one batch shape, a server's forward pass) is read back from disk by every
later process instead of being compiled again.

Why: textnn compiles one program per batch shape (length buckets, row tiers), so a command
spends seconds compiling before its first step, and a server compiles every shape before it
says it is ready. On an NVIDIA H100 (2026-12-05) a TextCNN run on IMDb spent most of its first
epoch compiling (108 s, the second epoch 2.3 s), and the server for it was still compiling its
28 shapes 95 s after it started. A second run, `resume`, `predict`, `serve` (every worker) and
autotune's trials of one family read what an earlier process compiled: on 2 CPU cores a
restarted server was ready after 3.7 s instead of 11.0, and a TextCNN run on IMDb reached its
first step after 5.9 s instead of 9.8, with the same losses (benchmarks/bench_first_result.py).

The `textnn` command turns it on as it starts; Python code calls `enable_compile_cache()` before
its first JAX step. `JAX_COMPILATION_CACHE_DIR`, when set, is used as it is;
`TEXTNN_COMPILE_CACHE=off` turns the cache off, and any other value is the folder to use. The
cache keeps at most `MAX_BYTES`, least recently used first out (JAX's own limit). JAX keys every
entry by the program, the compiler options, the device and the JAX version, so an entry is only
ever read back by the same computation on the same kind of device.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from textnn import locations
from textnn.errors import warn

ENV = "TEXTNN_COMPILE_CACHE"
OFF = {"0", "off", "no", "false", "none"}
# Compiles shorter than this are not written. JAX's default, 1 s, would keep almost none of
# textnn's on CPU: a server's 28 TextCNN shapes compile in about 7 s together.
MIN_COMPILE_SECONDS = 0.05
MAX_BYTES = 2 << 30


def compile_cache_dir() -> Path | None:
    """The folder the cache lives in, or None when it is turned off."""
    setting = os.environ.get(ENV, "").strip()
    if setting.lower() in OFF:
        return None
    own = os.environ.get("JAX_COMPILATION_CACHE_DIR", "").strip()
    return Path(own or setting or locations.home() / "xla-cache").expanduser()


def enable_compile_cache() -> Path | None:
    """Turn the cache on for this process and the processes it starts (a server's workers);
    returns its folder, or None when `TEXTNN_COMPILE_CACHE=off` or the folder cannot be written
    (said in one warning). Call before the first compile: JAX opens the cache once, at the
    first."""
    folder = compile_cache_dir()
    if folder is None:
        return None
    try:  # else JAX warns at every compile, and keeps nothing
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder):
            pass
    except OSError as e:
        warn(
            f"compiled programs are not kept between commands: cannot write to {folder} "
            f"({e.strerror or e}); set TEXTNN_COMPILE_CACHE to a folder you can write, or to off"
        )
        return None
    # JAX reads these at `import jax`: in this process when a verb first needs it (the command
    # does not import JAX for verbs that never compile), and in the processes it starts.
    os.environ["JAX_COMPILATION_CACHE_DIR"] = str(folder)
    os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", str(MIN_COMPILE_SECONDS))
    os.environ.setdefault("JAX_COMPILATION_CACHE_MAX_SIZE", str(MAX_BYTES))
    jax = sys.modules.get("jax")
    if jax is not None:  # imported already: it has read the environment before this
        jax.config.update("jax_compilation_cache_dir", str(folder))
        jax.config.update(
            "jax_persistent_cache_min_compile_time_secs",
            float(os.environ["JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS"]),
        )
        jax.config.update(
            "jax_compilation_cache_max_size", int(os.environ["JAX_COMPILATION_CACHE_MAX_SIZE"])
        )
    return folder

"""Time to first result, with an empty and with a filled compilation cache: seconds from
starting `textnn train --preset d2l-textcnn-imdb` (a fresh process: interpreter, imports, data,
vocabulary, vectors, model, compiling) to its first finished training step, and to the end of
the whole run (5 epochs and the test report); then `textnn predict` on the run, and a
`textnn serve` of it from start to its first 200 on /readyz (every batch shape compiled).

Each is run twice: first with an empty XLA compilation cache (textnn/compile_cache.py; a fresh
folder given by TEXTNN_COMPILE_CACHE), then again with the cache the first filled, as a user's
second command finds it. The two trainings must give the same losses.

    python benchmarks/bench_first_result.py [--quick]

Writes benchmarks/results/first_result.json and regenerates docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common
from bench_serve import free_port, start

PRESET = "d2l-textcnn-imdb"
FIRST_STEP = "first training step done"
TEXTNN = str(Path(sys.executable).with_name("textnn"))


def environment(cache: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "JAX_COMPILATION_CACHE_DIR"}
    return env | {"TEXTNN_COMPILE_CACHE": str(cache)}


def train(out: Path, cache: Path, quick: bool) -> dict:
    command = [TEXTNN, "train", "--preset", PRESET, "--out", str(out)]
    if quick:  # the preset's model and vectors over UCI's 3,000 sentences: the path, in seconds
        command += ["--data", "uci_sentences", "--epochs", "1", "--max-length", "64"]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, env=environment(cache))  # fmt: skip
    first_step, reported = None, None
    for line in process.stdout:
        print(line, end="", flush=True)
        if line.startswith(FIRST_STEP) and first_step is None:
            first_step = time.perf_counter() - started
            reported = float(line.split(FIRST_STEP)[1].split("s after")[0])
    if process.wait():
        raise SystemExit(f"textnn train failed ({process.returncode})")
    return {
        "first_step_seconds": round(first_step, 1),
        "first_step_seconds_in_process": reported,
        "total_seconds": round(time.perf_counter() - started, 1),
    }


def losses(run: Path) -> list[dict]:
    """The training curve as written (one JSON line an epoch), its timings left out."""
    lines = (run / "metrics.jsonl").read_text().splitlines()
    timing = {"seconds", "examples_per_s"}
    return [{k: v for k, v in json.loads(line).items() if k not in timing} for line in lines]


def predict(run: Path, cache: Path) -> float:
    started = time.perf_counter()
    subprocess.run([TEXTNN, "predict", str(run), "A moving, beautifully acted film."],
                   check=True, env=environment(cache), stdout=subprocess.DEVNULL)  # fmt: skip
    return round(time.perf_counter() - started, 1)


def serve_ready(run: Path, cache: Path, log: Path) -> float:
    port = free_port()
    started = time.perf_counter()
    process = start([TEXTNN, "serve", str(run), "--port", str(port)], port, log, environment(cache))
    ready = time.perf_counter() - started
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    return round(ready, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="UCI sentences, 1 epoch at 64 tokens; no results"
    )
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-first-"))
    # Each pair of commands starts from its own empty cache; the second finds what the first
    # compiled, as a user's next command (or a server's restart) does.
    cold = train(root / "cold", root / "cache-train", args.quick)
    warm = train(root / "warm", root / "cache-train", args.quick)
    if losses(root / "cold") != losses(root / "warm"):
        raise SystemExit("the run with a filled cache trained to other losses")
    run = root / "cold"
    predicts = [predict(run, root / "cache-predict") for _ in range(2)]
    serves = [serve_ready(run, root / "cache-serve", root / f"serve-{i}.log") for i in range(2)]
    result = {
        "preset": PRESET,
        **cold,
        "warm_cache": warm,
        "same_losses": True,
        "predict_seconds": predicts[0],
        "predict_seconds_warm_cache": predicts[1],
        "serve_ready_seconds": serves[0],
        "serve_ready_seconds_warm_cache": serves[1],
    }
    print({k: v for k, v in result.items() if k != "preset"})
    if args.quick:
        print("quick run: nothing written")
        return
    print(f"wrote {common.write('first_result', result)}")


if __name__ == "__main__":
    main()

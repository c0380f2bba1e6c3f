"""Time to first result: seconds from starting `textnn train --preset d2l-textcnn-imdb` (a fresh
process: interpreter, imports, data, vocabulary, vectors, model, compiling) to its first
finished training step, and to the end of the whole run (5 epochs and the test report).

    python benchmarks/bench_first_result.py [--quick]

Writes benchmarks/results/first_result.json and regenerates docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

PRESET = "d2l-textcnn-imdb"
FIRST_STEP = "first training step done"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 epoch at 64 tokens; no results")
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="bench-first-")) / "run"
    textnn = Path(sys.executable).with_name("textnn")
    command = [str(textnn), "train", "--preset", PRESET, "--out", str(out)]
    if args.quick:
        command += ["--epochs", "1", "--max-length", "64"]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    first_step, reported = None, None
    for line in process.stdout:
        print(line, end="", flush=True)
        if line.startswith(FIRST_STEP) and first_step is None:
            first_step = time.perf_counter() - started
            reported = float(line.split(FIRST_STEP)[1].split("s after")[0])
    if process.wait():
        raise SystemExit(f"textnn train failed ({process.returncode})")
    total = time.perf_counter() - started
    print(f"first step after {first_step:.1f} s; whole run {total:.1f} s")
    if args.quick:
        print("quick run: nothing written")
        return
    path = common.write(
        "first_result",
        {
            "preset": PRESET,
            "first_step_seconds": round(first_step, 1),
            "first_step_seconds_in_process": reported,
            "total_seconds": round(total, 1),
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

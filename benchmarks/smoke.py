"""Smoke-run every benchmark script in its --quick mode (`make bench-quick`, CI's last stage):
tiny data, no timing asserted, no results written; it checks that every script still works.

    python benchmarks/smoke.py              # every step; as many at once as cores, 4 at most
    python benchmarks/smoke.py --jobs 1     # one step at a time
    python benchmarks/smoke.py --only speed,serve

Why steps run side by side: a quick step spends most of its time compiling XLA programs on one
thread, so on 2 cores two steps at once took 443 s where one after another took 635 (2026-12-07).
The steps whose budgets are wall clock run alone (ALONE).
All steps share one XLA compilation cache (emptied first, as on a fresh clone), so a program one
step compiled can be read back by another. Each step's output is printed whole when it ends, then
the seconds of every step; the first failure stops new steps from starting (exit 1).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
TEXTNN = str(Path(sys.executable).with_name("textnn"))
VECTORS = "runs/quick-vectors.txt"
SOURCE = "runs/quick-source"
CACHE = ROOT / "runs" / "quick-xla-cache"


def bench(script: str, *args: str) -> list[str]:
    return [PY, f"benchmarks/{script}.py", "--quick", *args]


# (name, command, the steps it needs first). Order matters: a free worker takes the first step
# whose needs are done, so the longest steps come first and the two files others read first of all.
STEPS: list[tuple[str, list[str], tuple[str, ...]]] = [
    ("vectors", [TEXTNN, "vectors", "--data", "uci_sentences", "--tokenizer", "glove",
                 "--epochs", "1", "--out", VECTORS], ()),
    ("source", [TEXTNN, "train", "--data", "uci_sentences", "--model", "textcnn", "--epochs", "1",
                "--out", SOURCE, "--overwrite"], ()),
    ("accuracy", bench("bench_accuracy", "--vectors", VECTORS, "--imdb-source", SOURCE),
     ("vectors", "source")),
    ("explain", bench("bench_explain"), ()),
    ("first_result", bench("bench_first_result"), ()),
    ("serve", bench("bench_serve"), ()),
    ("speed", bench("bench_speed"), ()),
    ("presets", bench("bench_presets"), ()),
    ("models", bench("bench_models"), ()),
    ("choose_on_held_out", [PY, "benchmarks/choose_on_held_out.py", "uci_sentences", "1",
                            '{"train.epochs": 1}'], ()),
    ("repeat", bench("bench_repeat"), ()),
    ("transfer", bench("bench_transfer"), ()),
    ("quantize", bench("bench_quantize"), ()),
    ("d2l_pytorch", bench("bench_d2l_pytorch"), ()),
    ("fuzz", bench("fuzz_inputs"), ()),
    ("resume", bench("bench_resume"), ()),
    ("multilabel", bench("bench_multilabel"), ()),
    ("presets_seeds", bench("bench_presets", "--only", "course-cnn-uci", "--seeds", "1"), ()),
    # ALONE, last: each searches under a wall-clock budget of seconds
    ("autotune", bench("bench_autotune", "--only", "cr"), ()),
    ("given_vectors", bench("bench_given_vectors", "--only", "cr", "--vectors", VECTORS),
     ("vectors",)),
    ("choose_autotune", [PY, "benchmarks/choose_autotune.py", "--quick"], ()),
    ("multilabel_autotune", bench("bench_multilabel", "--only", "textnn autotune"), ()),
    ("judge_autotune", [PY, "benchmarks/judge_autotune.py", "goemotions", "--quick"], ()),
]  # fmt: skip
# Steps that run with no other beside them: autotune's quick budgets (8 to 12 s) are wall clock,
# and a step beside them can leave no trial finished in time (seen with 3 steps on 2 cores).
ALONE = {"autotune", "given_vectors", "choose_autotune", "multilabel_autotune", "judge_autotune"}


def run_step(name: str, command: list[str], logs: Path, env: dict, live: dict) -> tuple[int, float]:
    """Run one step with its output in `logs/name.log`; its exit code and seconds."""
    started = time.perf_counter()
    with open(logs / f"{name}.log", "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        live[name] = process
        code = process.wait()
        live.pop(name, None)
    return code, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=min(os.cpu_count() or 1, 4),
                        help="steps at once (default: the cores, 4 at most)")  # fmt: skip
    parser.add_argument("--only", help="comma-separated step names (and the steps they need)")
    args = parser.parse_args()
    if args.jobs < 1:
        parser.error("--jobs must be 1 or more")
    steps = {name: (command, needs) for name, command, needs in STEPS}
    wanted = list(steps)
    if args.only:
        unknown = sorted(set(args.only.split(",")) - set(steps))
        if unknown:
            parser.error(f"--only: no step {', '.join(unknown)}; steps: {', '.join(steps)}")
        chosen = set(args.only.split(","))
        chosen |= {need for name in chosen for need in steps[name][1]}
        wanted = [name for name in steps if name in chosen]
    shutil.rmtree(CACHE, ignore_errors=True)
    env = {**os.environ, "JAX_COMPILATION_CACHE_DIR": str(CACHE)}
    env.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0.05")
    logs = Path(tempfile.mkdtemp(prefix="smoke-"))
    started = time.perf_counter()
    done: dict[str, tuple[int, float]] = {}
    running: dict[Future, str] = {}
    live: dict[str, subprocess.Popen] = {}
    failed = False
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        try:
            while True:
                ready = [n for n in wanted if n not in done and n not in running.values()
                         and all(done.get(need, (1,))[0] == 0 for need in steps[n][1])]  # fmt: skip
                alone = any(n in ALONE for n in running.values())
                while not failed and ready and len(running) < args.jobs and not alone:
                    name = ready.pop(0)
                    if name in ALONE and running:
                        continue  # it waits for the steps running now
                    alone = name in ALONE
                    print(f"== {name}: {' '.join(steps[name][0][1:])}", flush=True)
                    running[pool.submit(run_step, name, steps[name][0], logs, env, live)] = name
                if not running:
                    break
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    name = running.pop(future)
                    done[name] = future.result()
                    code, seconds = done[name]
                    print(f"== {name} {'ok' if code == 0 else f'FAILED ({code})'} "
                          f"in {seconds:.0f} s; its output:", flush=True)  # fmt: skip
                    sys.stdout.write((logs / f"{name}.log").read_text(errors="replace"))
                    sys.stdout.flush()
                    failed |= code != 0
        except KeyboardInterrupt:
            for process in list(live.values()):
                process.terminate()
            raise
    print("== smoke step times (steps ran", args.jobs, "at once)")
    for name in wanted:
        code, seconds = done.get(name, (None, 0.0))
        state = "not run" if code is None else ("ok" if code == 0 else "FAILED")
        print(f"   {name:20s} {seconds:6.0f} s  {state}")
    print(f"   wall clock {time.perf_counter() - started:.0f} s")
    shutil.rmtree(logs, ignore_errors=True)  # every step's output is printed above
    if failed or len(done) < len(wanted):
        raise SystemExit(1)


if __name__ == "__main__":
    main()

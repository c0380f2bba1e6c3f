"""Runs that survive: SIGKILLs at random moments of real `textnn train` processes, each
resumed with `textnn train --resume`, against the same run never stopped; and what saving
checkpoints costs an IMDb TextCNN epoch.

    python benchmarks/bench_resume.py --kills 25            # per run kind (UCI TextCNN, IMDb nbsvm)
    python benchmarks/bench_resume.py --kills 5 --only uci   # some
    python benchmarks/bench_resume.py --quick                # one kill on tiny data; no results

After each kill: `textnn.load` must refuse what is on disk (a run not finished is never
accepted), and the resumed run's parameters must equal the reference's bit for bit (counted).
A kill before the first checkpoint leaves nothing to resume: counted apart, and trained again.
Writes benchmarks/results/resume.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common
from keys import load

KINDS = {
    # checkpoint_minutes 0.05: every 3 s, so that kills land between checkpoints as well; 30
    # epochs so that most kills land after the first checkpoint (start-up takes about 8 s)
    "uci": ["--data", "uci_sentences", "--model", "textcnn", "--epochs", "30",
            "--set", "train.checkpoint_minutes=0.05"],
    "imdb": ["--data", "imdb", "--model", "nbsvm", "--embeddings", "none", "--tokenizer",
             "glove", "--max-length", "1000", "--epochs", "3",
             "--set", "train.checkpoint_minutes=0.05"],
}  # fmt: skip
QUICK = ["--data", "PLACEHOLDER", "--model", "textcnn", "--embeddings", "none", "--epochs", "3",
         "--set", "train.checkpoint_minutes=0.002"]  # fmt: skip


def textnn(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).with_name("textnn")), *args]
    done = subprocess.run(command, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    return done


def parameters(run: Path) -> dict[str, np.ndarray]:
    from safetensors.numpy import load_file

    return load_file(str(run / "params.safetensors"))


def same(a: Path, b: Path) -> bool:
    pa, pb = parameters(a), parameters(b)
    return sorted(pa) == sorted(pb) and all(np.array_equal(pa[k], pb[k]) for k in pa)


def loads(run: Path) -> bool:
    """Whether `textnn.load` takes the folder a kill left."""
    from textnn.errors import TextnnError
    from textnn.runs.directory import load

    try:
        load(run)
    except TextnnError:
        return False
    return True


def kill_and_resume(flags: list[str], kills: int, work: Path, seed: int) -> dict:
    reference = work / "reference"
    started = time.perf_counter()
    textnn("train", *flags, "--out", str(reference))
    whole = time.perf_counter() - started
    rng = random.Random(seed)
    equal = restarted = accepted = finished_first = 0
    moments = []
    for k in range(kills):
        out = work / f"killed-{k}"
        command = [
            str(Path(sys.executable).with_name("textnn")),
            "train",
            *flags,
            "--out",
            str(out),
        ]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        moment = rng.uniform(0.0, whole)
        time.sleep(moment)
        process.send_signal(signal.SIGKILL)
        process.wait()
        moments.append(round(moment, 2))
        # A run that loads after the kill must be the finished run (the kill came after its last
        # commit, or after the process ended): anything else that loads is a torn run accepted.
        if process.returncode == 0 or (out.exists() and loads(out)):
            if same(out, reference):
                finished_first += 1
            else:
                accepted += 1
            shutil.rmtree(out)
            continue
        again = textnn("train", "--resume", str(out), check=False)
        if again.returncode != 0:
            if "nothing to resume" not in again.stderr:
                raise SystemExit(f"resume failed:\n{again.stderr[-3000:]}")
            restarted += 1  # killed before the first checkpoint
            textnn("train", *flags, "--out", str(out), "--overwrite")
        equal += same(out, reference)
        print(json.dumps({"kill": k, "at_s": moments[-1], "equal": equal}), flush=True)
        shutil.rmtree(out)
    return {
        "flags": flags,
        "uninterrupted_seconds": round(whole, 1),
        "kills": kills,
        "resumed_equal": equal,
        "restarted_before_a_checkpoint": restarted,
        "finished_before_the_kill": finished_first,  # on disk: it loads, and equals the reference
        "torn_runs_accepted": accepted,
        "kill_moments_s": moments,
    }


def overhead(work: Path) -> dict:
    """What checkpoints cost an IMDb TextCNN epoch (the demo's settings, 2 epochs): the time
    the run spent saving them (it prints it) against its epochs' time, in one run (the page
    divides a checkpoint's time by the faster epoch: the first one also compiles)."""
    flags = ["--data", "imdb", "--model", "textcnn", "--embeddings", "glove-6b-50d",
             "--tokenizer", "glove", "--epochs", "2", "--max-length", "1000",
             "--set", "model_options.channels=200",
             "--set", "model_options.embedding_dropout=0.2"]  # fmt: skip
    done = textnn("train", *flags, "--out", str(work / "overhead"))
    lines = done.stdout.splitlines()
    epochs = [float(x.split("  ")[-1].split("s (")[0]) for x in lines if x.startswith("epoch ")]
    saving = next(x for x in lines if x.startswith("checkpoints: "))
    count, seconds = int(saving.split()[1]), float(saving.split(" in ")[1].split(" s")[0])
    return {"epoch_seconds": epochs, "checkpoints": count, "checkpoint_seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=25, help="per run kind")
    parser.add_argument("--only", nargs="+", choices=list(KINDS), default=list(KINDS))
    parser.add_argument("--quick", action="store_true", help="one kill on tiny data; no results")
    parser.add_argument("--no-overhead", action="store_true", help="skip the IMDb epoch timing")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-resume-"))
    if args.quick:
        sys.path.insert(0, str(common.ROOT))
        from tests.helpers import toy_csv

        flags = [x if x != "PLACEHOLDER" else str(toy_csv(work / "toy.csv", n=300)) for x in QUICK]
        row = kill_and_resume(flags, 1, work, seed=0)
        print(json.dumps(row))
        print("quick run: nothing written")
        return
    # Kinds not run now keep their earlier results (each records its own flags and counts).
    earlier = load("resume") or {}
    results = dict(earlier.get("runs", {}))
    for i, kind in enumerate(args.only):
        results[kind] = kill_and_resume(KINDS[kind], args.kills, work / kind, seed=i)
    cost = earlier.get("overhead") if args.no_overhead else overhead(work)
    path = common.write("resume", {"runs": results, "overhead": cost})
    print(f"wrote {path}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()

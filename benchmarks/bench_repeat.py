"""Do runs repeat bit for bit? On one machine; across the vector instructions XLA compiles for;
and across two revisions of the code.

    python benchmarks/bench_repeat.py                      # the same run, several ways
    python benchmarks/bench_repeat.py --revision eba33e3   # also: that revision against this tree
    python benchmarks/bench_repeat.py --quick   # one epoch, two ways, no results

Each run is a fresh `textnn train` process (`--data uci_sentences --model textcnn --epochs 3`):
twice as it comes, then with `XLA_FLAGS=--xla_cpu_max_isa=AVX` and `=SSE4_2`, which make XLA
compile for narrower vector instructions than this CPU's, as it would on an older CPU. Each
row gives the sha256 of the run's parameters and its test accuracy. With `--revision REV`, plain
`textnn train --data cr` (its nbsvm fits, textcnn and bilstm partners, their vote) is trained
at REV, from a temporary git worktree, and at this tree: are every voter's parameters equal?
That tells whether the code between them changed the models, on this machine.
Writes benchmarks/results/repeat.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

RUN = ["--data", "uci_sentences", "--model", "textcnn", "--epochs", "3"]
WAYS = {  # name -> XLA_FLAGS
    "as it comes": "",
    "as it comes, again": "",
    "XLA limited to AVX": "--xla_cpu_max_isa=AVX",
    "XLA limited to SSE4.2": "--xla_cpu_max_isa=SSE4_2",
}
PLAIN = ["--data", "cr"]


def digests(run: Path) -> dict[str, str]:
    """sha256 (first 16 hex digits) of each params.safetensors in `run` (members included)."""
    return {
        str(path.relative_to(run)): hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        for path in sorted(run.rglob("params.safetensors"))
    }


def train(args: list[str], out: Path, source: Path, xla_flags: str = "") -> dict:
    """A `textnn train` process of the code under `source`: its parameters' digests and test
    accuracy."""
    env = {**os.environ, "PYTHONPATH": str(source / "src"), "XLA_FLAGS": xla_flags}
    command = [sys.executable, "-m", "textnn.cli", "train", *args, "--out", str(out)]
    subprocess.run(command, env=env, check=True, capture_output=True, cwd=source)
    report = json.loads((out / "report.json").read_text())
    return {"params": digests(out), "accuracy": report["accuracy"]}


def against(revision: str, scratch: Path) -> dict:
    """Plain `train` on CR at `revision` and at this tree: each one's digests and accuracy."""
    tree = scratch / "revision"
    subprocess.run(["git", "worktree", "add", "--detach", str(tree), revision],
                   cwd=common.ROOT, check=True, capture_output=True)  # fmt: skip
    try:
        old = train(PLAIN, scratch / "plain-old", tree)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)],
                       cwd=common.ROOT, check=True, capture_output=True)  # fmt: skip
    new = train(PLAIN, scratch / "plain-new", common.ROOT)
    return {"revision": revision, "then": old, "now_revision": head(), "now": new,
            "equal": old == new}  # fmt: skip


def head() -> str:
    """This tree's revision, marked where its code (src/) has uncommitted changes."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=common.ROOT, check=True, capture_output=True,
                              text=True).stdout.strip()  # fmt: skip

    changed = git("status", "--porcelain", "src")
    return git("rev-parse", "--short", "HEAD") + (" with changes to src/" if changed else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--revision", help="also compare plain `train` at this git revision")
    parser.add_argument("--quick", action="store_true", help="a smoke run: nothing written")
    args = parser.parse_args()
    run = [*RUN[:-1], "1"] if args.quick else RUN  # one epoch
    ways = dict(list(WAYS.items())[::2]) if args.quick else WAYS  # as it comes; AVX
    results: dict = {"command": "textnn train " + " ".join(run), "ways": {}}
    with tempfile.TemporaryDirectory() as scratch:
        for k, (name, flags) in enumerate(ways.items()):
            row = train(run, Path(scratch) / f"run-{k}", common.ROOT, flags)
            results["ways"][name] = {"xla_flags": flags, **row}
            print(f"{name}: {row}", flush=True)
        if args.revision:
            results["revision"] = against(args.revision, Path(scratch))
            print(f"plain train at {args.revision} and now: {results['revision']}", flush=True)
    if args.quick:
        print("quick run: nothing written")
        return
    print(common.write("repeat", results))


if __name__ == "__main__":
    main()

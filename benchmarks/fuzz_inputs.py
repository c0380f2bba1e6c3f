"""Coverage-guided fuzzing (atheris, libFuzzer's engine) of everything that reads input: the
readers of every format, the tokenizers and the vocabulary, config files and `--set` values,
and the run loader (byte flips and cuts of every file of a run). Any exception but textnn's
documented errors (TextnnError: DataError with file, line and field, NotFoundError) is a
crash: atheris stops and prints the input.

    python benchmarks/fuzz_inputs.py --runs 25000        # each target 25,000 inputs; results
    python benchmarks/fuzz_inputs.py --quick             # 100 inputs each; writes nothing
    python benchmarks/fuzz_inputs.py --target readers --runs 1000   # one target, in-process

Writes benchmarks/results/fuzz.json (inputs, crashes and seconds per target).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

TARGETS = ("readers", "tokenizers", "vocabulary", "config", "run_loader")


def readers_target(work: Path):
    from textnn.data.formats import READERS, read

    formats = [f for f in READERS if f != "folder"]
    path = work / "input.data"

    def one(data: bytes) -> None:
        if not data:
            return
        format = formats[data[0] % len(formats)]
        path.write_bytes(data[1:])
        read(path, format, on_error="skip" if data[0] & 0x80 else "raise")

    return one


def tokenizers_target(work: Path):
    import atheris

    from textnn.text.tokenize import TOKENIZERS, Tokenizer
    from textnn.text.vocab import build_and_encode

    tokenizers = [Tokenizer(name) for name in TOKENIZERS]

    def one(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        tokenizer = tokenizers[fdp.ConsumeIntInRange(0, len(tokenizers) - 1)]
        texts = [fdp.ConsumeUnicodeNoSurrogates(64) for _ in range(fdp.ConsumeIntInRange(1, 4))]
        tokenizer.tokenize_batch(texts)
        build_and_encode([t for t in texts if t.strip()] or ["x"], tokenizer, min_freq=1)

    return one


def vocabulary_target(work: Path):
    from textnn.text.vocab import Vocab

    path = work / "vocab.json"

    def one(data: bytes) -> None:
        path.write_bytes(data)
        Vocab.load(path)

    return one


def config_target(work: Path):
    import atheris

    from textnn.cli.options import key_values
    from textnn.config import RunConfig

    def one(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        kind = fdp.ConsumeIntInRange(0, 2)
        text = fdp.ConsumeUnicodeNoSurrogates(256)
        if kind == 2:  # --set KEY=VALUE pairs
            try:
                pairs = key_values(tuple(text.split("\n")), "--set")
            except Exception as err:  # click's usage error: the CLI prints it, exit 2
                if type(err).__name__ != "BadParameter":
                    raise
                return
            RunConfig().with_overrides(pairs).validated()
            return
        path = work / ("c.toml" if kind == 0 else "c.json")
        path.write_text(text, encoding="utf-8")
        RunConfig.load(path).validated()

    return one


def run_loader_target(work: Path):
    from tests.helpers import config, toy_csv
    from textnn.runs.directory import load
    from textnn.runs.pipeline import train

    source = work / "source"
    train(config(toy_csv(work / "toy.csv", n=60), **{"train.epochs": 1}), source, echo=lambda _: 0)
    files = {p.name: p.read_bytes() for p in sorted(source.iterdir()) if p.is_file()}
    names = sorted(files)
    run = work / "run"
    run.mkdir()

    def one(data: bytes) -> None:
        if len(data) < 6:
            return
        name = names[data[0] % len(names)]
        original = files[name]
        position = int.from_bytes(data[1:5], "little") % max(len(original), 1)
        if data[5] & 1:  # cut the file there
            damaged = original[:position]
        else:  # overwrite bytes there with the rest of the input
            patch = data[6:] or b"\x00"
            damaged = original[:position] + patch + original[position + len(patch) :]
        for other, content in files.items():
            (run / other).write_bytes(damaged if other == name else content)
        try:
            load(run)
        except Exception as err:
            from textnn.errors import TextnnError

            if not isinstance(err, TextnnError):
                raise
            return
        if damaged != original and not _same_json(damaged, original):
            raise AssertionError(f"a damaged {name} loaded")  # a torn run must be refused

    return one


def _same_json(a: bytes, b: bytes) -> bool:
    """Whether two documents say the same (the manifest, which no checksum covers, may lose a
    trailing newline and still be read rightly)."""
    try:
        return json.loads(a) == json.loads(b)
    except ValueError:
        return False


def fuzz_one(target: str, runs: int) -> None:
    """Run one target in this process under atheris, for `runs` inputs."""
    import atheris

    # Coverage of textnn and of the stdlib parsers it feeds (json, csv, tomllib) guides the
    # search; instrumenting numpy, tqdm, urllib and the rest too cost 7 s a target at start.
    with atheris.instrument_imports(include=["textnn", "json", "csv", "tomllib"]):
        import textnn.data.formats
        import textnn.text.tokenize  # noqa: F401
    from textnn.errors import TextnnError

    work = Path(tempfile.mkdtemp(prefix=f"fuzz-{target}-"))
    one = globals()[f"{target}_target"](work)

    def test_one_input(data: bytes) -> None:
        with contextlib.suppress(TextnnError):  # documented: names the file, line or field
            one(data)

    # a crashing input is written to `work` (printed on the crash), not into the checkout
    flags = [f"-runs={runs}", "-max_len=4096", f"-artifact_prefix={work}/"]
    atheris.Setup([sys.argv[0], *flags], test_one_input)
    atheris.Fuzz()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--target", choices=TARGETS, help="fuzz this one target, in-process")
    parser.add_argument("--runs", type=int, default=25_000, help="inputs per target")
    parser.add_argument("--quick", action="store_true", help="100 inputs each; no results")
    args = parser.parse_args()
    if args.target:
        fuzz_one(args.target, args.runs)
        return
    runs = 100 if args.quick else args.runs
    rows = []
    for target in TARGETS:
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, __file__, "--target", target, "--runs", str(runs)],
            capture_output=True,
            text=True,
            cwd=common.ROOT,
            env={**os.environ, "PYTHONPATH": os.pathsep.join((str(common.ROOT), *sys.path))},
        )
        seconds = time.perf_counter() - started
        executed = re.findall(r"Done (\d+) runs", done.stderr)
        crashed = done.returncode != 0
        rows.append(
            {
                "target": target,
                "inputs": int(executed[-1]) if executed else None,
                "crashes": int(crashed),
                "seconds": round(seconds, 1),
            }
        )
        print(json.dumps(rows[-1]), flush=True)
        if crashed:
            print(done.stderr[-4000:], file=sys.stderr)
            raise SystemExit(f"{target}: a crash outside textnn's documented errors")
    if args.quick:
        print("quick run: nothing written")
        return
    total = sum(r["inputs"] or 0 for r in rows)
    path = common.write("fuzz", {"runs_per_target": runs, "total_inputs": total, "rows": rows})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

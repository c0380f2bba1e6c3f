"""The robustness section: runs killed and resumed (bench_resume.py), and fuzzed inputs
(fuzz_inputs.py)."""

from __future__ import annotations

from keys import checkpoint_share

from render.basics import machine_line


def resume(data: dict) -> list[str]:
    lines = [
        "## Runs killed and resumed (`benchmarks/bench_resume.py`)",
        "",
        machine_line(data),
        "",
        "Each kill is a SIGKILL at a moment drawn uniformly over the uninterrupted run's wall "
        "time, of a real `textnn train` process saving a checkpoint every 3 s and at each "
        "epoch's end; then `textnn train --resume`. Equal: the resumed run's parameters equal "
        "the uninterrupted run's, every array bit for bit. Finished before the kill: the folder "
        "loads and equals the uninterrupted run (the kill came after the run's last commit). "
        "Torn runs accepted: folders left by a kill that `textnn.load` took although they "
        "differ from the finished run (a run not finished is refused).",
        "",
        "| run | uninterrupted (s) | kills | resumed, equal | killed before the first "
        "checkpoint (trained again) | finished before the kill | torn runs accepted |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind, row in data["runs"].items():
        lines.append(
            f"| {kind}: `{' '.join(row['flags'])}` | {row['uninterrupted_seconds']} | "
            f"{row['kills']} | {row['resumed_equal']} | {row['restarted_before_a_checkpoint']} | "
            f"{row.get('finished_before_the_kill', 0)} | {row['torn_runs_accepted']} |"
        )
    cost = data.get("overhead")
    if cost:
        epochs = ", ".join(f"{s} s" for s in cost["epoch_seconds"])
        lines += [
            "",
            f"Checkpoints' cost, IMDb TextCNN (the demo's settings, 2 epochs, one run): "
            f"{cost['checkpoints']} checkpoints saved in {cost['checkpoint_seconds']} s in all; "
            f"the epochs took {epochs} (the first compiles): "
            f"{100 * checkpoint_share(cost):.2f}% of the faster epoch each (target: under 3%).",
        ]
    return [*lines, ""]


def fuzz(data: dict) -> list[str]:
    lines = [
        "## Fuzzed inputs (`benchmarks/fuzz_inputs.py`)",
        "",
        machine_line(data),
        "",
        "Coverage-guided inputs (atheris) to each reader of every format, the tokenizers and "
        "the vocabulary, config files and `--set` values, and the run loader (byte flips and "
        "cuts of each file of a run). A crash is any exception but textnn's documented errors "
        "(DataError with file, line and field; NotFoundError), or a damaged run that loads.",
        "",
        "| target | inputs | crashes | seconds |",
        "| --- | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {r['target']} | {r['inputs']:,} | {r['crashes']} | {r['seconds']} |"
        for r in data["rows"]
    ]
    total = sum(r["seconds"] for r in data["rows"])
    lines += ["", f"In all: {data['total_inputs']:,} inputs in {total:.0f} s.", ""]
    return lines


def repeat(data: dict) -> list[str]:
    ways = data["ways"]
    first = next(iter(ways.values()))
    lines = [
        "## Do runs repeat bit for bit? (`benchmarks/bench_repeat.py`)",
        "",
        machine_line(data),
        "",
        f"Each row is a fresh `{data['command']}` process; `XLA_FLAGS=--xla_cpu_max_isa=...` "
        "makes XLA compile for narrower vector instructions than this CPU's, as it would on an "
        "older CPU.",
        "",
        "| how | parameters (sha256) | same as the first | test accuracy |",
        "| --- | --- | --- | ---: |",
    ]
    for name, row in ways.items():
        digest = row["params"]["params.safetensors"]
        same = "yes" if row["params"] == first["params"] else "**no**"
        lines.append(f"| {name} | `{digest}` | {same} | {row['accuracy']:.4f} |")
    lines += [
        "",
        "So a run repeats exactly on one machine, and seeded runs on CPUs with other vector "
        "instructions (AVX-512, AVX2, ...) may differ in the last bits, which training can grow "
        "into a few texts' answers. Results files record the CPU's family, model and widest "
        "vector instructions since 2026-12-07.",
    ]
    same = data.get("revision")
    if same:
        voters = ", ".join(
            k.split("/")[-2] if "/" in k else "the run" for k in same["now"]["params"]
        )
        verdict = "equal, bit for bit" if same["equal"] else "**not equal**"
        lines += [
            "",
            f"Plain `textnn train --data cr` at revision {same['revision']} and at "
            f"{same.get('now_revision', 'this revision')}, on this machine: the parameters "
            f"of every voter ({voters}) are {verdict}; test accuracy "
            f"{same['then']['accuracy']:.4f} and {same['now']['accuracy']:.4f}.",
        ]
    return [*lines, ""]

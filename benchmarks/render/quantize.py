"""The compact runs section: `textnn quantize` on IMDb's TextCNN and nbsvm runs, and nbsvm's
n-gram table sized from the data (bench_quantize.py)."""

from __future__ import annotations

from render.basics import machine_line


def quantize(data: dict) -> list[str]:
    lines = [
        "## Compact runs: `textnn quantize` (`benchmarks/bench_quantize.py`)",
        "",
        machine_line(data),
        "",
        f"IMDb test ({data['imdb_test']:,} reviews). Disk: the files the run's manifest lists; "
        "memory: the model's parameters and tables as loaded. Speed: `predict_proba` over "
        "5,000 test reviews after a pass that compiled every shape, the rows of a table in one "
        "process.",
        "",
    ]
    for model, entry in data["runs"].items():
        rows = entry["rows"]
        full = rows["full"]
        lines += [
            f"**{model}** (`{entry['run']}`)",
            "",
            "| run | disk MB | x smaller | memory MB | x smaller | test accuracy | change "
            "(points) | reviews/s |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name, row in rows.items():
            lines.append(
                f"| {name} | {row['disk_mb']} | {full['disk_mb'] / row['disk_mb']:.1f} | "
                f"{row['memory_mb']} | {full['memory_mb'] / row['memory_mb']:.1f} | "
                f"{row['accuracy']:.4f} | {100 * (row['accuracy'] - full['accuracy']):+.2f} | "
                f"{row['texts_per_s']:,} |"
            )
        lines.append("")
    lines += [
        "### nbsvm's n-gram table sized from the data",
        "",
        "`--model nbsvm` without `buckets`: the table had 2^22 rows whatever the data; now "
        "twice the distinct word 2-3-grams of the training texts, a power of two, at most "
        "2^23 / classes rows. (IMDb's 4.5 million distinct n-grams reach the cap: its run is "
        "unchanged.) Test accuracy on the split carved from each file.",
        "",
        "| data | table | rows | disk MB | test accuracy | seconds |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for data_name, variants in data["sized_tables"].items():
        for label, row in variants.items():
            lines.append(
                f"| {data_name} | {label} | {row['buckets']:,} | {row['disk_mb']} | "
                f"{row['test_accuracy']:.4f} | {row['seconds']} |"
            )
    return [*lines, ""]

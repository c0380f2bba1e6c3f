"""Autotune settings judged on an official validation split the search never sees
(judge_autotune.py): one row per run, each naming the code it ran."""

from __future__ import annotations


def judged_settings(data: dict) -> list[str]:
    lines = [
        "## Autotune settings judged without test data (`benchmarks/judge_autotune.py`)",
        "",
        "Each row is one search of the dataset's official training split (autotune holds out "
        "its own validation texts and refits, as always), its answer scored on the official "
        "validation split, which the search never sees; the test split is not read. One "
        "search per row: a point or so between two rows can be the search's luck (which "
        "trials finished) as much as the setting.",
        "",
        "| data | code | setting | seed | budget s | judge macro F1 | judge micro F1 | search's "
        "validation | chosen | trials finished | machine | date |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- | --- |",
    ]
    for run in data["runs"]:
        judge = run["judge"]
        finished = sum(t["state"] == "complete" for t in run["trials"])
        lines.append(
            f"| {run['data']} | {run['revision']} | {run['label']} | {run.get('seed', 0)} | "
            f"{run['budget']:.0f} | "
            f"{judge['macro_f1']:.4f} | {judge['micro_f1']:.4f} | {run['validation']:.4f} "
            f"({run['metric']}) | {' + '.join(run['chosen'])} | {finished} of "
            f"{len(run['trials'])} | {run['machine']['cpu']} | {run['date']} |"
        )
    return [*lines, ""]

"""The multi-label section: GoEmotions' test macro and micro F1 for textnn's runs beside TF-IDF +
one-vs-rest logistic regression and fastText `-loss ova` (bench_multilabel.py)."""

from __future__ import annotations

from render.basics import machine_line


def multilabel(data: dict) -> list[str]:
    sizes = data["sizes"]
    published = data["published"]
    lines = [
        "## Several labels per text: GoEmotions (`benchmarks/bench_multilabel.py`)",
        "",
        machine_line(data),
        "",
        f"28 labels; official split: train {sizes['train']:,}, validation "
        f"{sizes['validation']:,}, test {sizes['test']:,}. Every method's per-label thresholds "
        "are chosen on validation (each label's best F1); test is read once per method. The "
        f"paper's test macro F1: biLSTM {published['biLSTM']}, BERT-base "
        f"{published['BERT-base']}.",
        "",
        "| method | macro F1 | micro F1 | subset accuracy | seconds |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, row in data["rows"].items():
        lines.append(
            f"| {name} | {row['macro_f1']:.4f} | {row['micro_f1']:.4f} | "
            f"{row['subset_accuracy']:.4f} | {row['seconds']} |"
        )
    best = max((r["macro_f1"], n) for n, r in data["rows"].items() if n.startswith("textnn"))
    verdict = "at or above" if best[0] >= published["biLSTM"] else "BELOW"
    lines += [
        "",
        f"Best textnn row: {best[1]}, macro F1 {best[0]:.4f}: {verdict} the paper's biLSTM "
        f"({published['biLSTM']}); BERT-base {published['BERT-base']}.",
        "",
    ]
    return lines

"""Regenerate docs/benchmarks.md from benchmarks/results/*.json.

python benchmarks/render
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # benchmarks/: common, keys
import common
from keys import load

from render.accuracy import accuracy
from render.autotune import autotune
from render.basics import explain, first_result, foundation, models, transfer
from render.choices import autotune_choice, partners
from render.given_run import given_run
from render.given_vectors import given_vectors
from render.judge import judged_settings
from render.multilabel import multilabel
from render.presets import presets
from render.quantize import quantize
from render.robustness import fuzz, repeat, resume
from render.scorecard import scorecard
from render.serve import serve
from render.speed import speed

HEADER = [
    "# Benchmarks",
    "",
    "Every number here comes from a script in `benchmarks/` and its results file in",
    "`benchmarks/results/`; rerun the script to regenerate this page. Times are from one",
    "shared, noisy 2-core machine: compare rows of one table (one run), not across days.",
    "",
]


def render() -> None:
    lines = list(HEADER) + scorecard()
    sections = (
        ("foundation", foundation),
        ("models", models),
        ("transfer", transfer),
        ("explain", explain),
        ("presets", presets),
        ("accuracy", accuracy),
        ("autotune", autotune),
        ("choose_partners", partners),
        ("choose_autotune", autotune_choice),
        ("given_vectors", given_vectors),
        ("given_run", given_run),
        ("multilabel", multilabel),
        ("judge_autotune", judged_settings),
        ("quantize", quantize),
        ("serve", serve),
        ("speed", speed),
        ("first_result", first_result),
        ("resume", resume),
        ("repeat", repeat),
        ("fuzz", fuzz),
    )
    for name, section in sections:
        data = load(name)
        if data is not None:
            lines += section(data)
    common.DOC.parent.mkdir(parents=True, exist_ok=True)
    common.DOC.write_text("\n".join(lines))
    print(f"wrote {common.DOC}")


if __name__ == "__main__":
    render()

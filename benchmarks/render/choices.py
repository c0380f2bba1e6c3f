"""How plain `train` and autotune answer: each rule's judge accuracy on held-out parts of
training splits (benchmarks/choose_partners.py, benchmarks/choose_autotune.py)."""

from __future__ import annotations

from render.basics import machine_line
from textnn.tune.choose import CLEARLY

PARTNER_RULES = {
    "earlier": "the best on validation of nbsvm, textcnn and their vote (until 2026-12-06)",
    "vote unless clearly": "the vote of nbsvm, textcnn, bilstm unless nbsvm is clearly better",
    "vote of three": "always the vote of nbsvm, textcnn, bilstm",
    "best of seven": "the best on validation of each of the three and each vote of them",
    "vote of four": "always the vote of the three and the nbsvm fit passed over",
    "four unless clearly": "the vote of the four unless nbsvm is clearly better (1 sd; until "
    "2026-12-07)",
    "four unless greedy (1 sd)": "the vote of the four unless the vote grown from the best of "
    "them is better by over 1 sd",
    "four unless greedy (3 sd)": "the vote of the four unless the vote grown from the best of "
    "them is better by over 3 sd",
    "four unless grown from nbsvm (1 sd)": "the vote of the four unless the vote grown from "
    "nbsvm is better by over 1 sd",
    "four unless grown from nbsvm (3 sd)": "the vote of the four unless the vote grown from "
    "nbsvm is better by over 3 sd (now)",
    "four weighted (log loss)": "the four averaged with weights of least log loss on validation",
    "four weighted (ensemble selection)": "the four averaged with weights from ensemble "
    "selection with replacement (20 rounds)",
    "nbsvm": "nbsvm alone",
}


def partners(data: dict) -> list[str]:
    """How plain `train` answers on small data: each rule's judge accuracy."""
    lines = [
        "### How plain `train` answers on small data (`benchmarks/choose_partners.py`)",
        "",
        machine_line(data),
        "",
        "Judged on held-out parts of training splits, never a test split: in each of the first "
        "K folds of bench_accuracy's 10-fold split, 10% of the training part is the judge; "
        "plain `train`'s `nbsvm` (both fits: with its weight decay and without) and its two "
        "partners (a `textcnn` and a `bilstm` over GloVe 50d, runs/partner.py) train on the "
        "rest and each rule decides on their validation split. Judge accuracy, mean over the "
        "folds (how many in brackets):",
        "",
        *rule_table(data, PARTNER_RULES),
    ]
    lines += [
        "",
        "Better by over k standard deviations (sd): of the validation texts that one answer "
        "gets right and the other wrong, it gets more right by over k times the square root of "
        "their number (McNemar's test's standard deviation). A vote grown from a model adds, "
        "one at a time, the fit that raises validation accuracy most, up to three voters, while "
        "it rises (autotune's greedy selection, runs/ensemble.py's `grown_vote`); grown from "
        "nbsvm, it always keeps plain `train`'s own model. The goemotions_single judges come "
        "from its official training split (texts with one label, 28 classes). Seconds per fold "
        "to train nbsvm (both fits), textcnn, bilstm: "
        + "; ".join(
            f"{n} "
            + ", ".join(
                f"{sum(f['seconds'][m] for f in d['folds']) / len(d['folds']):.0f}"
                for m in ("nbsvm", "textcnn", "bilstm")
            )
            for n, d in data["datasets"].items()
        )
        + ".",
        "",
    ]
    return lines


AUTOTUNE_RULES = {
    "greedy": "the best trial or the vote grown greedily from it (until 2026-12-06)",
    **{
        f"plain unless clearly ({m:g} sd)": "the vote of plain train's fits unless the greedy "
        f"answer is better by over {m:g} standard deviation{'s' if m != 1 else ''}"
        + (" (now)" if m == CLEARLY else "")
        for m in (1.0, 2.0, 3.0)
    },
    "plain vote": "always the vote of plain train's fits (the first four trials)",
    "best trial": "the best trial alone",
}


def autotune_choice(data: dict) -> list[str]:
    """How autotune answers: each rule's judge accuracy."""
    budgets = sorted({d["budget_seconds"] for d in data["datasets"].values()})
    lines = [
        "### How autotune answers (`benchmarks/choose_autotune.py`)",
        "",
        machine_line(data),
        "",
        "Judged on held-out parts of training splits, never a test split: in each of the first "
        "K folds of bench_accuracy's 10-fold split, 10% of the training part is the judge; "
        f"autotune searches the rest for {', '.join(f'{b:.0f}' for b in budgets)} s (a fold's "
        "share of bench_autotune's budget) without its refit, and each rule decides on the "
        "search's validation split. Judge accuracy, mean over the folds (how many in brackets):",
        "",
        *rule_table(data, AUTOTUNE_RULES),
    ]
    folds = [f for d in data["datasets"].values() for f in d["folds"]]
    per_search = ", ".join(
        f"{label.split(' (')[0]} {sum(f[rule] for f in folds) / len(folds):.4f}"
        for rule, label in AUTOTUNE_RULES.items()
        if all(rule in f for f in folds)
    )
    trials = [f["trials"] for f in folds]
    greedy_better = [
        n
        for n, d in data["datasets"].items()
        if d["mean"]["greedy"] > d["mean"][f"plain unless clearly ({CLEARLY:g} sd)"]
    ]
    lines += [
        "",
        f"Mean over all {len(folds)} searches, each counted once: {per_search}. Trials "
        f"finished per search: {min(trials)} to {max(trials)}. Better by over k standard "
        "deviations: of the validation texts that one answer gets right and the other wrong, "
        "it gets more right by over k times the square root of their number. The greedy answer "
        "was picked from many on that same validation split, so its lead there is partly luck: "
        "a margin did better on the judges than none on the whole"
        + (
            f", though the greedy answer was better on {' and '.join(greedy_better)}."
            if greedy_better
            else "."
        ),
        "",
    ]
    return lines


def rule_table(data: dict, rules: dict[str, str]) -> list[str]:
    """Markdown rows: each rule's mean judge accuracy per dataset, and their mean."""
    names = list(data["datasets"])
    lines = [
        "| rule | "
        + " | ".join(f"{n} ({len(data['datasets'][n]['folds'])})" for n in names)
        + " | mean |",
        "| --- |" + " ---: |" * (len(names) + 1),
    ]
    for rule, label in rules.items():
        if any(rule not in data["datasets"][n]["mean"] for n in names):
            continue  # a rule added since some dataset was judged: its row waits for them all
        values = [data["datasets"][n]["mean"][rule] for n in names]
        cells = " | ".join(f"{v:.4f}" for v in values)
        lines.append(f"| {label} | {cells} | {sum(values) / len(values):.4f} |")
    return lines

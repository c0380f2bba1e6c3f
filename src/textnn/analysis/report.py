"""One self-contained HTML report of a trained run (for `textnn report`): config, dataset
statistics, training curves, metrics, confusion matrix, per-class bars, the most confidently
misclassified test examples and LIME explanations. Images are embedded as data URIs, so the
file needs no network to view.
"""

from __future__ import annotations

import base64
import html
import json
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from textnn.analysis import plots
from textnn.analysis.figures import RunView
from textnn.analysis.stats import dataset_stats
from textnn.runs.directory import TRIALS_FILE


def _image(figure: Figure, alt: str) -> str:
    data = base64.b64encode(plots.to_bytes(figure, "png")).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
h1 { margin-bottom: 0; } h2 { border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 14px; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } img { max-width: 100%; display: block; margin: 0.5em 0; }
pre { background: #f7f7f7; padding: 8px; overflow-x: auto; font-size: 12px; }
.muted { color: #777; } .explanation { border: 1px solid #eee; padding: 8px; margin: 1em 0; }
"""


def write_report(
    run_dir: str | Path,
    out: str | Path | None = None,
    *,
    mistakes: int = 10,
    explanations: int = 3,
    num_samples: int = 1000,
    seed: int = 0,
    vote_with: Sequence[str | Path] = (),
) -> Path:
    """Write the run's HTML report to `out` (default RUN_DIR/report.html) and return its path.
    `explanations` test examples (the most confident mistakes first, then the most confident
    right answers) get LIME explanations from `num_samples` samples each.

    With `vote_with` (other run directories), the test results and explanations are those of
    the soft vote of the run and those runs, on the run's test split, with each voter's own
    accuracy beside the vote's (default out: RUN_DIR/report-vote.html). A run that is a vote
    itself (autotune's, or plain `train`'s with partners) is reported as one, to report.html."""
    from textnn.analysis.explain import explain

    started = time.perf_counter()
    view = RunView(run_dir, vote_with)
    voting = len(view.voters) > 1
    # a run that is a vote itself (its members under RUN/members/) keeps report.html: only
    # voters added here make the page a different one
    added = bool(vote_with)
    out = Path(out) if out else view.run_dir / ("report-vote.html" if added else "report.html")
    names = view.outputs.label_names
    config = view.config
    title = " + ".join(d.name for d in view.voters)
    written = f"report written {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    sections = [
        f"<h1>textnn {'soft vote' if voting else 'run'}: {html.escape(title)}</h1>",
        f'<p class="muted">{html.escape(str(view.run_dir))}: {html.escape(config.model)} on '
        f"{html.escape(config.data.name)}; {written}</p>",
    ]
    if voting:
        sections.append(
            f'<p class="muted">Test results and explanations are the soft vote (the mean of the'
            f" class probabilities) of {len(view.voters)} runs, on the test split of"
            f" {html.escape(view.run_dir.name)}; data, training and word vectors are"
            f" {html.escape(view.run_dir.name)}'s.</p>"
        )

    # Data.
    from textnn.data.dataset import Dataset

    present = {k: v for k, v in view.splits.items() if v is not None}
    stats = dataset_stats(Dataset(config.data.name, names, present), view.predictor.tokenizer)
    rows = []
    for split, s in stats["splits"].items():
        t = s["tokens"]
        balance = ", ".join(f"{k} {v:,}" for k, v in s["per_class"].items())
        rows.append([split, f"{s['examples']:,}", balance, t["mean"], t["median"], t["p90"]])
    sections += [
        "<h2>Data</h2>",
        _table(["split", "examples", "per class", "mean tokens", "median", "90%"], rows),
        _image(view.figure("lengths"), "token lengths of the training split"),
    ]

    # Training.
    sections.append("<h2>Training</h2>")
    if view.epochs:
        sections.append(_image(view.figure("curves"), "training curves"))
        keys = ["epoch", "train_loss", "train_accuracy", "val_accuracy", "seconds", "refit"]
        keys = [k for k in keys if any(k in e for e in view.epochs)]
        sections.append(_table(keys, [[_fmt(e.get(k)) for k in keys] for e in view.epochs]))
    else:
        sections.append('<p class="muted">no metrics.jsonl in the run</p>')

    sections += _autotune_section(view.run_dir)

    # Results on the test split.
    sections.append("<h2>Test results</h2>")
    if view.splits.get("test") is None:
        sections.append('<p class="muted">the run has no test split</p>')
    elif view.outputs.multilabel:
        sections += _multilabel_results(view, mistakes)
    else:
        r = view.report
        sections += [
            _table(
                ["examples", "accuracy", "macro F1", "weighted F1", "log loss"],
                [
                    [
                        f"{r['examples']:,}",
                        _fmt(r["accuracy"]),
                        _fmt(r["macro_f1"]),
                        _fmt(r["weighted_f1"]),
                        _fmt(r["log_loss"]),
                    ]
                ],
            ),
            _table(
                ["class", "precision", "recall", "F1", "support"],
                [
                    [c, _fmt(m["precision"]), _fmt(m["recall"]), _fmt(m["f1"]), m["support"]]
                    for c, m in r["per_class"].items()
                ],
            ),
            *([_voters_table(view)] if voting else []),
            _image(view.figure("confusion"), "confusion matrix"),
            _image(view.figure("per-class"), "per-class precision, recall and F1"),
        ]
        test = view.splits["test"]
        probs = view.test_probabilities
        predicted = probs.argmax(1)
        confidence = probs.max(1)
        wrong = np.flatnonzero(predicted != test.labels)
        wrong = wrong[np.argsort(-confidence[wrong], kind="stable")]
        right = np.flatnonzero(predicted == test.labels)
        right = right[np.argsort(-confidence[right], kind="stable")]
        sections += [
            f"<h2>Most confidently misclassified ({len(wrong):,} mistakes in all)</h2>",
            _table(
                ["true", "predicted", "probability", "text"],
                [
                    [
                        names[test.labels[i]],
                        names[predicted[i]],
                        _fmt(confidence[i]),
                        _clip(test.texts[i]),
                    ]
                    for i in wrong[:mistakes]
                ],
            ),
        ]
        chosen = [*wrong[: (explanations + 1) // 2], *right[:explanations]][:explanations]
        if chosen:
            sections.append(
                f"<h2>Why: LIME explanations</h2><p class='muted'>{num_samples:,} samples each, "
                f"seed {seed}; for the predicted class.</p>"
            )
        for i in chosen:
            e = explain(view.outputs, test.texts[i], num_samples=num_samples, seed=seed)
            sections.append(
                f'<div class="explanation"><p>true class: <b>{html.escape(names[test.labels[i]])}'
                f"</b></p>{e.to_html()}</div>"
            )

    # Word vectors, when the run's vocabulary holds the example words.
    found, _ = view.word_vectors(plots.CAPITALS)
    if len(found) >= 3:
        sections += ["<h2>Word vectors</h2>", _image(view.figure("embeddings"), "embedding map")]

    sections += [
        "<h2>Configuration</h2>",
        f"<pre>{html.escape(json.dumps(config.to_dict(), indent=2))}</pre>",
        f'<p class="muted">made in {time.perf_counter() - started:.1f} s by textnn</p>',
    ]
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>textnn report: {html.escape(title)}</title>"
        f"<style>{STYLE}</style></head><body>{''.join(sections)}</body></html>\n"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out


def _autotune_section(run_dir: Path) -> list[str]:
    """The trials of an autotuned run (its autotune.jsonl), the chosen ones in bold."""
    path = run_dir / TRIALS_FILE
    if not path.is_file():
        return []
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    trials = [r for r in records if "trial" in r]
    summary = next((r for r in records if "chosen" in r), {})
    chosen = set(summary.get("chosen", []))
    rows = []
    for r in trials:
        settings = ", ".join(
            f"{k}={_fmt(v)}" for k, v in r.get("params", {}).items() if k != "model"
        )
        mark = "chosen" if r["trial"] in chosen else ""
        rows.append(
            [
                r["trial"],
                r["model"],
                r["state"],
                _fmt(r.get("validation")),
                _fmt(r.get("seconds")),
                settings,
                mark,
            ]
        )
    metric = summary.get("metric", "accuracy")
    count = summary.get("refitted") or 0
    refitted = f"; {count} refitted on all training texts" if count else ""
    return [
        "<h2>Autotune</h2>",
        f"<p>{len(trials)} trials in {_fmt(summary.get('seconds'))} s, judged by validation "
        f"{html.escape(metric)}; chosen: {html.escape(str(sorted(chosen)))} (validation "
        f"{_fmt(summary.get('validation'))}{refitted})</p>",
        _table(["trial", "model", "state", f"val {metric}", "seconds", "settings", ""], rows),
    ]


def _multilabel_results(view, mistakes: int) -> list[str]:
    """A multi-label run's test results: the totals, each label's figures at its threshold,
    and the texts whose predicted labels differ most confidently from their true ones."""
    r, names = view.report, view.outputs.label_names
    test, probs = view.splits["test"], view.test_probabilities
    truth = test.labels > 0.5
    chosen = [{name for name, _ in row} for row in view.outputs.choose(probs)]
    wrong = [
        i for i in range(len(test)) if chosen[i] != {names[c] for c in np.flatnonzero(truth[i])}
    ]
    # most confident mistakes first: the largest probability on a wrong decision
    error = np.abs(probs - truth).max(axis=1)
    wrong.sort(key=lambda i: -error[i])
    at_k = ", ".join(f"@{k} {_fmt(v)}" for k, v in r["precision_at_k"].items())
    return [
        _table(
            ["examples", "micro F1", "macro F1", "subset accuracy", "Hamming loss", "precision"],
            [
                [
                    f"{r['examples']:,}",
                    _fmt(r["micro_f1"]),
                    _fmt(r["macro_f1"]),
                    _fmt(r["accuracy"]),
                    _fmt(r["hamming_loss"]),
                    at_k,
                ]
            ],
        ),
        _table(
            ["label", "precision", "recall", "F1", "support", "threshold"],
            [
                [
                    c,
                    _fmt(m["precision"]),
                    _fmt(m["recall"]),
                    _fmt(m["f1"]),
                    m["support"],
                    _fmt(m["threshold"]),
                ]
                for c, m in r["per_class"].items()
            ],
        ),
        _image(view.figure("per-class"), "per-label precision, recall and F1"),
        f"<h2>Most confident mistakes ({len(wrong):,} texts whose labels are not all right)</h2>",
        _table(
            ["true", "predicted", "text"],
            [
                [
                    ", ".join(names[c] for c in np.flatnonzero(truth[i])) or "-",
                    ", ".join(sorted(chosen[i])) or "-",
                    _clip(test.texts[i]),
                ]
                for i in wrong[:mistakes]
            ],
        ),
    ]


def _voters_table(view: RunView) -> str:
    """Each voter's model and test accuracy alone, then the vote's, on the same examples."""
    labels = view.splits["test"].labels
    rows = []
    voters = zip(view.voters, view.outputs.predictors, view.member_probabilities, strict=True)
    for run_dir, predictor, probs in voters:
        accuracy = float((probs.argmax(1) == labels).mean())
        rows.append([str(run_dir), predictor.model_name, _fmt(accuracy)])
    rows.append(["soft vote", "", _fmt(view.report["accuracy"])])
    return _table(["voter", "model", "test accuracy"], rows)


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.4f}"
    return "" if value is None else str(value)


def _clip(text: str, limit: int = 400) -> str:
    return text if len(text) <= limit else text[:limit] + " ..."

"""Why a model decided: LIME (Ribeiro et al. 2016, the `lime` package's text explainer) over the
batched probabilities of a run's Predictor (or of an Ensemble of runs), and three ways to show
the result: coloured terminal text, JSON, and a standalone HTML snippet (the words highlighted
and a bar chart, inline styles only).

LIME removes random subsets of the text's words (`num_samples` variants), asks the model for
every variant's probabilities in large batches, and fits a weighted linear model: each word's
weight is how much its presence pushes the probability of a class up (+) or down (-).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from textnn.errors import DataError

if TYPE_CHECKING:
    from textnn.runs.predictor import Outputs

# Words are the runs between non-word characters (LIME's default), and HTML tags such as
# IMDb's `<br />` count as separators, so `br` never becomes a "word" to remove.
SEPARATORS = r"(?:<[^<>]*>|\W)+"
_WORDS = re.compile(f"({SEPARATORS})")


@dataclass
class Explanation:
    """`weights[c]`: [(word, weight)] for class `c`, strongest first; `label`: the predicted
    class; `explained`: the classes explained, the first being the one `weights_for` gives
    by default."""

    text: str
    label: str
    probabilities: dict[str, float]
    explained: list[str]
    weights: dict[str, list[tuple[str, float]]] = field(default_factory=dict)

    def weights_for(self, label: str | None = None) -> list[tuple[str, float]]:
        return self.weights[label or self.explained[0]]

    def to_dict(self) -> dict:
        """{"label", "probabilities", "weights": [[word, weight], ...]} (the first explained
        class), plus "explained" and "weights_by_class" for every class explained."""
        return {
            "text": self.text,
            "label": self.label,
            "probabilities": self.probabilities,
            "explained": self.explained,
            "weights": [[w, x] for w, x in self.weights_for()],
            "weights_by_class": {c: [[w, x] for w, x in ws] for c, ws in self.weights.items()},
        }

    def to_terminal(self, color: bool = True) -> str:
        """The text with supporting words green and opposing words red, then the weights."""
        import click

        weights = dict(self.weights_for())
        target = self.explained[0]

        def paint(piece: str) -> str:
            weight = weights.get(piece)
            if weight is None or not color:
                return piece
            return click.style(piece, fg="green" if weight > 0 else "red", bold=True)

        probs = "  ".join(f"{k} {v:.3f}" for k, v in self.probabilities.items())
        lines = [
            f"label: {self.label}   ({probs})",
            f"words for (+) and against (-) {target!r}:",
            "".join(paint(piece) for piece in _WORDS.split(self.text)),
            "",
        ]
        for word, weight in self.weights_for():
            bar = "#" * max(1, round(abs(weight) / _largest(self.weights_for()) * 30))
            bar = click.style(bar, fg="green" if weight > 0 else "red") if color else bar
            lines.append(f"  {word:>16} {weight:+.4f} {bar}")
        return "\n".join(lines)

    def to_html(self) -> str:
        """A standalone HTML snippet: the text with words highlighted by weight, and a bar chart
        of the weights. Inline styles only: paste it anywhere, no scripts, no network."""
        weights = dict(self.weights_for())
        top = _largest(self.weights_for())
        target = html.escape(self.explained[0])

        def shade(weight: float) -> str:
            alpha = 0.15 + 0.75 * abs(weight) / top
            rgb = "46,160,67" if weight > 0 else "218,54,51"
            return f"rgba({rgb},{alpha:.2f})"

        pieces = []
        for piece in _WORDS.split(self.text):
            weight = weights.get(piece)
            text = html.escape(piece)
            if weight is None:
                pieces.append(text)
            else:
                pieces.append(
                    f'<span title="{weight:+.4f}" style="background:{shade(weight)};'
                    f'border-radius:3px;padding:0 2px">{text}</span>'
                )
        rows = []
        for word, weight in self.weights_for():
            width = 100 * abs(weight) / top
            rows.append(
                "<tr>"
                f'<td style="text-align:right;padding:1px 6px">{html.escape(word)}</td>'
                f'<td style="width:240px"><div style="width:{width:.1f}%;height:12px;'
                f'background:{shade(weight)};margin-left:{"0" if weight > 0 else "auto"}">'
                "</div></td>"
                f'<td style="padding:1px 6px;font-family:monospace">{weight:+.4f}</td></tr>'
            )
        probs = ", ".join(f"{html.escape(k)} {v:.3f}" for k, v in self.probabilities.items())
        return (
            '<div class="textnn-explanation" style="font-family:sans-serif;max-width:900px">'
            f"<p><b>{html.escape(self.label)}</b> ({probs}). Green words push towards "
            f"<b>{target}</b>, red words away.</p>"
            f'<p style="line-height:1.9">{"".join(pieces)}</p>'
            f'<table style="border-collapse:collapse;font-size:13px">{"".join(rows)}</table>'
            "</div>"
        )


def _largest(weights: list[tuple[str, float]]) -> float:
    return max((abs(w) for _, w in weights), default=1.0) or 1.0


def explain(
    predictor: Outputs,
    text: str,
    *,
    classes: list[str] | None = None,
    num_features: int = 10,
    num_samples: int = 5000,
    seed: int = 0,
    batch_size: int = 1024,
) -> Explanation:
    """LIME explanation of `predictor`'s decision on `text`: the `num_features` most
    influential words for the predicted class (or for each of `classes`), from `num_samples`
    perturbed copies classified `batch_size` at a time. The same `seed` gives the same
    explanation."""
    from lime.lime_text import LimeTextExplainer

    if not isinstance(text, str) or not text.strip():
        raise DataError("nothing to explain: give a non-empty text")
    names = predictor.label_names
    unknown = sorted(set(classes or []) - set(names))
    if unknown:
        raise DataError(f"unknown classes {unknown}; the run's classes are {names}")
    if num_samples < 2:
        raise DataError(f"num_samples must be at least 2, got {num_samples}")

    def probabilities(texts: list[str]) -> np.ndarray:
        # LIME sends thousands of short variants at once: large batches.
        probs = predictor.predict_proba(list(texts), allow_empty=True, batch_size=batch_size)
        return probs.astype(np.float64)

    probs = probabilities([text])[0]
    predicted = names[int(probs.argmax())]
    explained = list(classes) if classes else [predicted]
    explainer = LimeTextExplainer(
        class_names=names, random_state=seed, bow=True, split_expression=SEPARATORS
    )
    result = explainer.explain_instance(
        text,
        probabilities,
        labels=[names.index(c) for c in explained],
        num_features=num_features,
        num_samples=num_samples,
    )
    return Explanation(
        text=text,
        label=predicted,
        probabilities={n: float(p) for n, p in zip(names, probs, strict=True)},
        explained=explained,
        # LIME returns numpy strings and floats: plain Python types, so JSON takes them.
        weights={
            c: [(str(w), float(x)) for w, x in result.as_list(label=names.index(c))]
            for c in explained
        },
    )

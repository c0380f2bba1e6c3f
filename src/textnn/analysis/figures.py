"""The figures of a trained run (for `textnn plot` and the report): RunView reads a run
directory and computes what its pictures need once; pretrained vectors and a dataset's lengths
can be drawn before any run."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from textnn.analysis import plots
from textnn.analysis.stats import token_lengths
from textnn.config import RunConfig
from textnn.data import load_dataset
from textnn.errors import DataError
from textnn.runs.data import split_data
from textnn.runs.directory import load
from textnn.runs.ensemble import Ensemble, vote, vote_members, voter_weights
from textnn.runs.evaluate import evaluate
from textnn.vectors import load_vectors

FIGURES = ("confusion", "curves", "lengths", "embeddings", "per-class")


class RunView:
    """A run directory and what its pictures need, each computed once when first asked for.

    With `vote_with` (other run directories), the test results (probabilities, metrics,
    confusion, per-class bars) are the soft vote's of this run and those (`Ensemble`), on this
    run's test split; its data, training curves and word vectors stay this run's."""

    def __init__(self, run_dir: str | Path, vote_with: Sequence[str | Path] = ()):
        self.run_dir = Path(run_dir)
        self.predictor = load(self.run_dir)
        self.config = RunConfig.load(self.run_dir / "config.json")
        own = [self.run_dir / name for name in vote_members(self.run_dir)]  # autotune's vote
        self.voters = [self.run_dir, *own, *(Path(d) for d in vote_with)]
        # a run alone is a vote of one: one code path for both
        self.outputs = Ensemble(
            [self.predictor, *(load(d) for d in self.voters[1:])],
            self.voters,
            voter_weights(self.run_dir, len(vote_with)),
        )

    @cached_property
    def epochs(self) -> list[dict]:
        path = self.run_dir / "metrics.jsonl"
        if not path.is_file():
            return []
        records = []
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                raise DataError(
                    "damaged line in the training log", path=path, line=number
                ) from None
        return records

    @cached_property
    def splits(self) -> dict:
        """The run's own data with the seeded splits it was trained with."""
        _, train, val, test = split_data(self.config, echo=lambda _: None)
        return {"train": train, "validation": val, "test": test}

    @cached_property
    def member_probabilities(self) -> list[np.ndarray]:
        """Each voter's <float32>[n, classes] on the test split (the run alone: one array)."""
        return self.outputs.member_probabilities(self._split("test").texts)

    @cached_property
    def test_probabilities(self) -> np.ndarray:
        """<float32>[n, classes] on the test split: the run's, or the vote's."""
        return vote(self.member_probabilities, self.outputs.weights)

    @cached_property
    def report(self) -> dict:
        return evaluate(
            self._split("test").labels,
            self.test_probabilities,
            self.outputs.label_names,
            self.outputs.thresholds,
        )

    def _split(self, name: str):
        examples = self.splits.get(name)
        if examples is None:
            raise DataError(f"the run's data has no {name} split", path=self.run_dir)
        return examples

    def token_lengths(self, split: str = "train") -> np.ndarray:
        """<int64>[n]: tokens per text of `split` under the run's tokenizer (before cutting)."""
        return token_lengths(self._split(split).texts, self.predictor.tokenizer)

    def word_vectors(self, words: Sequence[str]) -> tuple[list[str], np.ndarray]:
        """The words of `words` in the run's vocabulary and their rows of its embedding table
        (the trained table; the frozen one for `static` models). None for a model without
        word vectors (nbsvm: its tables are n-gram weights)."""
        embed = getattr(self.predictor.model, "embed", None)
        if embed is None:
            return [], np.zeros((0, 0), np.float32)
        table = embed.table if embed.table is not None else embed.frozen
        stoi = self.predictor.vocab.stoi
        found = [w for w in words if w in stoi]
        return found, np.asarray(table[...])[[stoi[w] for w in found]]

    def figure(self, kind: str, words: Sequence[str] = plots.CAPITALS, split: str = "train"):
        """One of FIGURES for this run."""
        names = self.predictor.label_names
        if kind == "confusion":
            if self.outputs.multilabel:
                raise DataError(
                    "a multi-label run has no confusion matrix (a text may carry several "
                    "labels); see the per-class figure"
                )
            return plots.confusion_matrix(self.report["confusion_matrix"], names)
        if kind == "curves":
            return plots.training_curves(self.epochs)
        if kind == "lengths":
            title = (
                f"{self.config.data.name} {split}: tokens per text ({self.config.text.tokenizer})"
            )
            return plots.length_histogram(
                self.token_lengths(split), self.config.text.max_length, title
            )
        if kind == "embeddings":
            found, vectors = self.word_vectors(words)
            return plots.embedding_map(found, vectors, f"{self.run_dir.name}: trained word vectors")
        if kind == "per-class":
            return plots.per_class_bars(self.report)
        raise DataError(f"unknown figure {kind!r}; choose one of {', '.join(FIGURES)}")


def pretrained_map(name: str, words: Sequence[str] = plots.CAPITALS) -> Figure:
    """The embedding map of `words` from pretrained vectors (`glove-6b-50d`, a file...)."""
    vectors = load_vectors(name)
    found = [w for w in words if w in vectors.index]
    missing = sorted(set(words) - set(found))
    if len(found) < 2:
        raise DataError(f"fewer than two of the words have vectors in {name} (missing {missing})")
    rows = vectors.matrix[[vectors.index[w] for w in found]]
    return plots.embedding_map(found, rows, f"{name}: word vectors, PCA to 2-D")


def dataset_lengths(
    data: str, split: str, tokenizer, max_length: int | None = None, **options
) -> Figure:
    """The token-length histogram of a dataset's split, before any run (to choose max_length)."""
    lengths = token_lengths(load_dataset(data, **options)[split].texts, tokenizer)
    title = f"{data} {split}: tokens per text ({tokenizer.config.name})"
    return plots.length_histogram(lengths, max_length, title)

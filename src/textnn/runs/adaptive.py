"""Defaults that follow from the data: what a run does with settings left at "auto".

A user who brings a labelled file should not need to know that IMDb's 1,000-token reviews want
other settings than 3-word phrases. The training split is measured (`DataProfile`) and each
"auto" setting is resolved from it (`resolve_auto`), and the run says what it chose and why.

The rules are general ones, not fitted to any dataset: cover nearly every text (the 95th
percentile of token lengths), train longer when there is less data (fewer steps per epoch)
and let early stopping on validation decide when to stop, and start from the family that is
fast and strong on every size of data, a linear model over n-grams (Wang & Manning 2012's
NBSVM; textnn's `nbsvm`). `textnn autotune` searches beyond these defaults.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from textnn.config import RunConfig
from textnn.text.tokenize import Tokenizer

AUTO = "auto"
Echo = Callable[[str], None]

# The n-gram table of a linear model: rows per training text, between these bounds (a run is
# as big as what it can learn: 2^22 rows of 2 classes are 32 MB of weights).
MIN_BUCKETS, MAX_BUCKETS = 2**16, 2**22


@dataclass(frozen=True)
class DataProfile:
    """What the settings follow from: the training split's size, classes and token lengths."""

    examples: int
    classes: int
    length_p50: int
    length_p95: int
    length_max: int
    multilabel: bool = False

    @classmethod
    def of(cls, texts: Sequence[str], labels: np.ndarray, tokenizer: Tokenizer) -> DataProfile:
        lengths = np.array([len(tokens) for tokens in tokenizer.tokenize_batch(texts)] or [0])
        return cls(
            examples=len(texts),
            classes=labels.shape[1] if labels.ndim == 2 else len(np.unique(labels)),
            length_p50=int(np.percentile(lengths, 50)),
            length_p95=int(np.ceil(np.percentile(lengths, 95))),
            length_max=int(lengths.max()),
            multilabel=labels.ndim == 2,
        )

    def max_length(self, quantile_length: int | None = None, limit: int = 1000) -> int:
        """Tokens kept per text: the 95th percentile (or `quantile_length`), rounded up to a
        multiple of 16, at least 16 and at most `limit` (longer texts are cut)."""
        wanted = self.length_p95 if quantile_length is None else quantile_length
        return int(min(limit, max(16, -(-wanted // 16) * 16)))

    def epochs(self, model: str = "nbsvm") -> int:
        """An upper bound for early stopping: about 20,000 examples' worth of steps at least,
        between 4 and 20 epochs, for a linear model; a network over word vectors learns more
        slowly: 500,000 examples' worth, between 12 and 30."""
        if model == "nbsvm":
            return int(np.clip(np.ceil(20_000 / max(self.examples, 1)), 4, 20))
        return int(np.clip(np.ceil(500_000 / max(self.examples, 1)), 12, 30))

    def buckets(self, per_text: int = 64, most: int = MAX_BUCKETS) -> int:
        """Rows of a hashed n-gram table for these training texts (`buckets_for`)."""
        return buckets_for(self.examples, per_text, most)

    def linear_scale(self) -> float:
        """How much larger a linear model's weights must be than on long reviews (median 200
        tokens, where nbsvm's learning rate and starting weight were chosen): its logit is a
        sum over the text's n-grams, so a text of 10 tokens needs weights about 20x larger to
        reach the same confidence, and Adam's steps are about the learning rate whatever the
        gradient. Between 1 and 20."""
        return float(np.clip(200 / max(self.length_p50, 1), 1.0, 20.0))


def buckets_for(examples: int, per_text: int = 64, most: int = MAX_BUCKETS) -> int:
    """Rows of a hashed n-gram table: `per_text` per training text, a power of two between
    MIN_BUCKETS and `most`."""
    rows = 2 ** int(np.ceil(np.log2(max(examples, 1) * per_text)))
    return int(np.clip(rows, MIN_BUCKETS, most))


def has_auto(config: RunConfig) -> bool:
    return AUTO in (config.model, config.text.max_length, config.train.epochs)


def resolve_auto(config: RunConfig, profile: DataProfile, echo: Echo) -> RunConfig:
    """`config` with each "auto" setting (model, text.max_length, train.epochs) resolved from
    `profile`; the run says what it chose. Settings given explicitly are kept."""
    chosen = []
    model, options = config.model, dict(config.model_options)
    embeddings = config.embeddings
    if model == AUTO and profile.multilabel:
        # Several labels per text: one encoder shared by every label (a TextCNN over the
        # run's word vectors) rather than nbsvm's n-gram table per label, whose rare labels'
        # ratios rest on a handful of texts and whose size grows with the labels.
        model = "textcnn"
        chosen.append(
            f"model textcnn (multi-label: {profile.classes} labels share one encoder; word "
            f"vectors {embeddings or 'none'})"
        )
    if model == AUTO:
        model = "nbsvm"
        options.setdefault("buckets", profile.buckets())
        scale = profile.linear_scale()
        options.setdefault("init_weight", round(0.01 * scale, 4))
        embeddings = None  # n-grams, no word vectors
        chosen.append(f"model nbsvm (word 1-3-grams, a {options['buckets']:,}-row table)")
        if config.train.learning_rate is None:
            rate = round(1e-3 * scale, 5)
            config = dataclasses.replace(
                config, train=dataclasses.replace(config.train, learning_rate=rate)
            )
            if scale > 1:
                chosen.append(
                    f"learning rate {rate:g} and starting weight {options['init_weight']:g} "
                    f"(texts of {profile.length_p50} tokens at the median)"
                )
    text = config.text
    if text.max_length == AUTO:
        text = dataclasses.replace(text, max_length=profile.max_length())
        chosen.append(
            f"max_length {text.max_length} (95% of training texts have at most "
            f"{profile.length_p95} tokens; median {profile.length_p50})"
        )
    train = config.train
    if train.epochs == AUTO:
        waits = 2 if model == "nbsvm" else 3
        patience = train.patience or (waits if config.data.validation_fraction > 0 else 0)
        train = dataclasses.replace(train, epochs=profile.epochs(model), patience=patience)
        chosen.append(
            f"epochs up to {train.epochs} for {profile.examples:,} training texts"
            + (f", stopping after {patience} without a better validation score" if patience else "")
        )
    if chosen:
        echo("chosen from the data: " + "; ".join(chosen))
    return dataclasses.replace(
        config, model=model, model_options=options, embeddings=embeddings, text=text, train=train
    )

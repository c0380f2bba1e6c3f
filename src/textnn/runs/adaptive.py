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
from textnn.config.run_config import default_weight_decay
from textnn.models.registry import model_config
from textnn.text.ragged import Ragged
from textnn.text.tokenize import Tokenizer

AUTO = "auto"
Echo = Callable[[str], None]

# A table sized by the n-grams counted in the training texts (`DataProfile.ngram_rows`): at
# least MIN_ROWS rows, and at most MAX_CELLS rows x classes (nbsvm's 2^22 rows for 2 classes)
# beyond which n-grams share rows by their hash; fastText's table at most its default rows.
MIN_ROWS, MAX_CELLS = 2**10, 2**23
# The most tokens a bag of n-grams keeps per text (`DataProfile.whole_length`): whole texts,
# unless one is longer than a short book.
BAG_LIMIT = 20_000
# model -> (its table's rows option, its longest n-gram option)
SIZED_TABLES = {"nbsvm": ("buckets", "ngrams"), "fasttext": ("bigram_buckets", "word_ngrams")}


@dataclass(frozen=True)
class DataProfile:
    """What the settings follow from: the training split's size, classes and token lengths."""

    examples: int
    classes: int
    length_p50: int
    length_p95: int
    length_max: int
    multilabel: bool = False
    distinct_ngrams: tuple[int, ...] = ()  # word n-grams of 2, 3 and 4 words in the texts

    @classmethod
    def of(cls, texts: Sequence[str], labels: np.ndarray, tokenizer: Tokenizer) -> DataProfile:
        _, _, tokens = tokenizer.index(texts)
        lengths = tokens.lengths if len(texts) else np.zeros(1, np.int64)
        return cls(
            examples=len(texts),
            classes=labels.shape[1] if labels.ndim == 2 else len(np.unique(labels)),
            length_p50=int(np.percentile(lengths, 50)),
            length_p95=int(np.ceil(np.percentile(lengths, 95))),
            length_max=int(lengths.max()),
            multilabel=labels.ndim == 2,
            distinct_ngrams=distinct_ngrams(tokens),
        )

    def max_length(self, quantile_length: int | None = None, limit: int = 1000) -> int:
        """Tokens kept per text: the 95th percentile (or `quantile_length`), rounded up to a
        multiple of 16, at least 16 and at most `limit` (longer texts are cut)."""
        wanted = self.length_p95 if quantile_length is None else quantile_length
        return int(min(limit, max(16, -(-wanted // 16) * 16)))

    def whole_length(self) -> int:
        """Tokens kept per text by a bag of n-grams (`nbsvm`): the longest training text's,
        up to BAG_LIMIT. A network's cost and compiling grow with the padded length, so it
        cuts the longest 5% (`max_length`); a bag's cost is its tokens (batches are bucketed
        by length), and a cut drops what a long review says last, often its verdict."""
        return self.max_length(self.length_max, limit=BAG_LIMIT)

    def epochs(self, model: str = "nbsvm") -> int:
        """An upper bound for early stopping: about 20,000 examples' worth of steps at least,
        between 4 and 20 epochs, for a linear model; a network over word vectors learns more
        slowly: 500,000 examples' worth, between 12 and 30."""
        if model == "nbsvm":
            return int(np.clip(np.ceil(20_000 / max(self.examples, 1)), 4, 20))
        return int(np.clip(np.ceil(500_000 / max(self.examples, 1)), 12, 30))

    def ngram_rows(self, ngrams: int, most: int) -> int:
        """Rows of a hashed table for the word n-grams of 2..`ngrams` words: twice as many as
        the training texts hold (so that few share a row), a power of two between MIN_ROWS and
        `most` (past it they share rows, as fastText hashes them; n-grams of more than 4
        words are not counted: `most`)."""
        if ngrams - 1 > len(self.distinct_ngrams):
            return most
        counted = sum(self.distinct_ngrams[: max(ngrams - 1, 0)])
        rows = 2 ** int(np.ceil(np.log2(max(2 * counted, 1))))
        return int(np.clip(rows, MIN_ROWS, most))

    def linear_scale(self) -> float:
        """How much larger a linear model's weights must be than on long reviews (median 200
        tokens, where nbsvm's learning rate and starting weight were chosen): its logit is a
        sum over the text's n-grams, so a text of 10 tokens needs weights about 20x larger to
        reach the same confidence, and Adam's steps are about the learning rate whatever the
        gradient. Between 1 and 20."""
        return float(np.clip(200 / max(self.length_p50, 1), 1.0, 20.0))


def distinct_ngrams(tokens: Ragged, longest: int = 4) -> tuple[int, ...]:
    """How many distinct word n-grams of 2, 3, ..., `longest` words the texts `tokens` hold
    (each text's ids <int32>; n-grams within a text), told apart by a 64-bit hash."""
    ids = tokens.ids.astype(np.uint64) + np.uint64(1)
    text = np.repeat(np.arange(len(tokens.lengths)), tokens.lengths)
    hashed, counts = ids, []
    for n in range(2, longest + 1):
        # hashed[p]: the n-gram from token p; uint64 arithmetic wraps around, as a hash may
        hashed = hashed[:-1] * np.uint64(0x9E3779B97F4A7C15) + ids[n - 1 :]
        within = text[: len(hashed)] == text[n - 1 :]
        counts.append(len(np.unique(hashed[within])))
    return tuple(counts)


def table_cap(model: str, classes: int) -> int:
    """The most rows `ngram_rows` gives `model`'s n-gram table (see MAX_CELLS)."""
    if model == "fasttext":
        return model_config("fasttext").bigram_buckets
    return max(MIN_ROWS, 2 ** int(np.log2(MAX_CELLS // max(classes, 1))))


def has_auto(config: RunConfig) -> bool:
    """Whether a setting of `config` follows from the data (`resolve_auto`): one left at
    "auto", an n-gram table whose size is not given, or nbsvm's learning rate, starting
    weight (scaled to the texts' lengths) or weight decay not given."""
    sized = SIZED_TABLES.get(config.model)
    unsized = sized is not None and sized[0] not in config.model_options
    unscaled = config.model == "nbsvm" and (
        config.train.learning_rate is None
        or "init_weight" not in config.model_options
        or config.train.weight_decay is None
    )
    return (
        unsized or unscaled or AUTO in (config.model, config.text.max_length, config.train.epochs)
    )


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
        embeddings = None  # n-grams, no word vectors
        chosen.append("model nbsvm (word 1-3-grams)")
    if model == "nbsvm":  # left to the data or given: its scale follows the texts' lengths
        scale = profile.linear_scale()
        options.setdefault("init_weight", round(0.01 * scale, 4))
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
    if config.train.weight_decay is None:
        decay = default_weight_decay(model)
        config = dataclasses.replace(
            config, train=dataclasses.replace(config.train, weight_decay=decay)
        )
        if decay:
            chosen.append(f"weight decay {decay:g} ({model}'s n-gram weights)")
    if model in SIZED_TABLES and SIZED_TABLES[model][0] not in options:
        sized, longest_option = SIZED_TABLES[model]
        longest = getattr(model_config(model, **options), longest_option)
        options[sized] = profile.ngram_rows(longest, table_cap(model, profile.classes))
        counted = sum(profile.distinct_ngrams[: max(longest - 1, 0)])
        chosen.append(
            f"{sized} {options[sized]:,} ({counted:,} distinct word n-grams of 2-{longest} "
            "words in the training texts)"
        )
    text = config.text
    if text.max_length == AUTO and model == "nbsvm":
        text = dataclasses.replace(text, max_length=profile.whole_length())
        cut = "" if profile.length_max <= BAG_LIMIT else f"; texts past {BAG_LIMIT:,} are cut"
        chosen.append(
            f"max_length {text.max_length} (whole texts for a bag of n-grams: the longest "
            f"training text has {profile.length_max:,} tokens{cut})"
        )
    elif text.max_length == AUTO:
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

"""What autotune searches: model families and, for each, the settings that matter for it.

Each family's first trial is its defaults (`DEFAULTS`, enqueued before the sampler starts, in
the order `FIRST`), so that every family is seen once at a sensible point before the search
narrows; later trials are drawn by Optuna's TPE sampler from the ranges in `suggest`. Sizes
that follow from the data (max length, epochs, n-gram table rows) come from
`runs.adaptive.DataProfile`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import optuna

from textnn.config import RunConfig
from textnn.runs.adaptive import DataProfile, table_cap
from textnn.runs.transfer import source_config
from textnn.tune.own_vectors import NAME as SKIPGRAM
from textnn.vectors.made_with import made_with
from textnn.vectors.pretrained import BUILTIN

FAMILIES = ("nbsvm", "fasttext", "textcnn", "bilstm")
# A family's defaults are tried in this order: first the fits that plain `textnn train` makes
# on small data (nbsvm with and without its weight decay, runs/rival.py; the textcnn and
# bilstm partners, runs/partner.py), so that even a short search has the plain run's models
# and their vote (tune/choose.py) to choose from; then the others.
FIRST = ("nbsvm", "textcnn", "bilstm", "fasttext")
PLAIN_TRIALS = 4  # the first trials: plain train's four fits (first_trials)
GLOVE = "glove-6b-50d"
# With a run to start from (`--init RUN`), one more family: that run's network fine-tuned on
# the search's data (runs/transfer.py: its vocabulary grown with the new words, a new head).
# Its first trial takes the place of its own family's (else the textcnn's) among the first.
FINETUNE = "finetune"

DEFAULTS: dict[str, dict[str, Any]] = {
    # nbsvm's learning rate and starting weight are multiples of the data's linear scale
    # (runs.adaptive.DataProfile.linear_scale): 1 on long reviews, up to 20 on phrases.
    "nbsvm": {
        "ngrams": 3,
        "base_lr": 1e-3,
        "decay": "l2",
        "weight_decay": 1e-3,  # config.run_config.default_weight_decay
        "min_freq": 1,
    },
    "fasttext": {"word_ngrams": 2, "lr": 1e-2, "dim": 100, "batch": 64, "length": "p95"},
    "textcnn": {
        "vectors": GLOVE,
        "channels": 100,
        "dropout": 0.5,
        "word_dropout": 0.1,
        "lr": 1e-3,
        "batch": 32,
        "length": "p95",
    },
    "bilstm": {"vectors": GLOVE, "hidden": 64, "dropout": 0.2, "lr": 1e-3, "length": "p95"},
    # the learning rate of bench_accuracy's fine-tuned rows (chosen there on held-out data)
    FINETUNE: {"lr": 3e-4, "batch": 32, "length": "p95"},
}


def given_vectors(base: RunConfig) -> str:
    """The search's name for the pretrained vectors the networks start from: the user's
    (`embeddings`: a built-in name, or a file, named by its file name), GloVe 50d by default,
    or "none" where the user chose none."""
    if not base.embeddings or base.embeddings.lower() == "none":
        return "none"
    if base.embeddings in BUILTIN:
        return base.embeddings
    name = Path(base.embeddings).name
    return name if name not in ("none", SKIPGRAM) else f"file {name}"  # not the other choices


def first_trials(vectors: str = GLOVE, init_model: str | None = None) -> list[dict[str, Any]]:
    """Parameters of the trials enqueued first: each family at its defaults, its networks over
    `vectors` (`given_vectors`); nbsvm's second time without its weight decay, the fit plain
    `train` also tries. `init_model`: the family of the run the search may start from
    (`--init`): its fine-tuning takes the place of that family's first trial (of the
    textcnn's, for another)."""
    replaced = init_model if init_model in ("textcnn", "bilstm") else "textcnn"
    trials: list[dict[str, Any]] = []
    for family in FIRST:
        if init_model is not None and family == replaced:
            trials.append({"model": FINETUNE, **DEFAULTS[FINETUNE]})
            continue
        params = {"model": family, **DEFAULTS[family]}
        if "vectors" in params:
            params["vectors"] = vectors
        trials.append(params)
        if family == "nbsvm":  # plain `train`'s second fit (runs/rival.py)
            kept = {k: v for k, v in params.items() if k != "weight_decay"}
            trials.append(kept | {"decay": "none"})
    return trials


def suggest(
    trial: optuna.Trial,
    profile: DataProfile,
    base: RunConfig,
    own_vectors: Callable[[], str] | None = None,
) -> RunConfig:
    """The run config of one trial: `base` (the data, the seed) with a family and its settings
    drawn by `trial`. `own_vectors()`: the path of skip-gram vectors trained on the search's
    training text (`tune.own_vectors`), asked for only when a trial draws them; None: the
    networks choose between the given vectors (`base.embeddings`: GloVe 50d by default) and
    none."""
    given = given_vectors(base)
    vector_choices = list(dict.fromkeys([given, "none"]))
    vector_choices += [SKIPGRAM] if own_vectors is not None else []

    def word_vectors(name: str, values: dict[str, Any]) -> None:
        vectors = trial.suggest_categorical(name + "vectors", vector_choices)
        if vectors == SKIPGRAM:
            values["embeddings"] = own_vectors()
        else:
            values["embeddings"] = None if vectors == "none" else base.embeddings
        # Vectors are found by their own tokens: GloVe's (lower-cased, its punctuation), or
        # those a `textnn vectors` file records; the search's skip-gram vectors were trained
        # on "words" tokens, and a file of unknown make gets the tokenizer the user set.
        if vectors == SKIPGRAM or vectors == "none":
            values["text.tokenizer"] = "words"
        else:
            values["text.tokenizer"] = made_with(base.embeddings) or base.text.tokenizer

    family = trial.suggest_categorical("model", FAMILIES + ((FINETUNE,) if base.init else ()))
    values: dict[str, Any] = {
        "model": family,
        # A bag of n-grams keeps whole texts (runs/adaptive.py's `whole_length` says why);
        # the others cut them where the search draws.
        "text.max_length": profile.whole_length()
        if family == "nbsvm"
        else profile.max_length(drawn_length(trial, profile)),
        # Every family trains within the linear model's epoch bound and waits 2 epochs, where
        # plain `train` lets a network train longer (up to 30 epochs, waiting 3): within a
        # budget, a trial that stops sooner leaves time for the next. Plain train's bounds
        # for the networks' trials scored no better on held-out judges (16 searches of 60 s
        # on six datasets, 2026-12-07; 49 trials finished in all, against 51). Multi-label
        # data is the exception (`network_bound`).
        "train.epochs": profile.epochs(family if network_bound(family, profile) else "nbsvm"),
        "train.patience": 3 if network_bound(family, profile) else 2,
        "text.tokenizer": "words",
        "init": None,  # only the fine-tuning trials start from the given run
    }
    name = f"{family}_"  # Optuna's names are global: prefix each family's own settings
    if family == FINETUNE:
        # The text (max length too), model and embedding settings are the source run's
        # (runs/transfer.py): the new words get vectors from the source's own embeddings.
        values.update(init=base.init, extend_vocab=True, model=source_config(base.init).model)
        values["train.learning_rate"] = trial.suggest_float(name + "lr", 1e-4, 1e-3, log=True)
        values["train.batch_size"] = trial.suggest_categorical(name + "batch", [32, 64])
    elif family == "nbsvm":
        scale = profile.linear_scale()
        values["embeddings"] = None
        values["text.min_freq"] = trial.suggest_int(name + "min_freq", 1, 2)
        rate = trial.suggest_float(name + "base_lr", 3e-4, 1e-2, log=True)
        values["train.learning_rate"] = rate * scale
        # No one decay suits every dataset (docs/benchmarks.md): none at all is a choice of
        # its own, which a log-scale range cannot reach.
        decay = trial.suggest_categorical(name + "decay", ["l2", "none"])
        values["train.weight_decay"] = (
            trial.suggest_float(name + "weight_decay", 1e-5, 1e-2, log=True)
            if decay == "l2"
            else 0.0
        )
        ngrams = trial.suggest_int(name + "ngrams", 1, 3)
        values["model_options"] = {
            "ngrams": ngrams,
            "buckets": profile.ngram_rows(ngrams, table_cap("nbsvm", profile.classes)),
            "init_weight": 0.01 * scale,
        }
    elif family == "fasttext":
        values["embeddings"] = None
        values["train.learning_rate"] = trial.suggest_float(name + "lr", 1e-3, 5e-2, log=True)
        # Each step updates the whole n-gram table (dense Adam): a table sized to the data
        # and fewer, larger batches keep a step cheap.
        values["train.batch_size"] = trial.suggest_categorical(name + "batch", [64, 256])
        word_ngrams = trial.suggest_int(name + "word_ngrams", 1, 3)
        values["model_options"] = {
            "word_ngrams": word_ngrams,
            "embed_dim": trial.suggest_categorical(name + "dim", [50, 100]),
            "bigram_buckets": profile.ngram_rows(word_ngrams, 2**18),
        }
    elif family == "textcnn":
        word_vectors(name, values)
        values["train.learning_rate"] = trial.suggest_float(name + "lr", 3e-4, 3e-3, log=True)
        values["train.batch_size"] = trial.suggest_categorical(name + "batch", [32, 64])
        values["model_options"] = {
            "channels": trial.suggest_categorical(name + "channels", [100, 200]),
            "dropout": trial.suggest_float(name + "dropout", 0.2, 0.6),
            "embedding_dropout": trial.suggest_float(name + "word_dropout", 0.0, 0.3),
        }
    else:  # bilstm
        word_vectors(name, values)
        values["train.learning_rate"] = trial.suggest_float(name + "lr", 5e-4, 3e-3, log=True)
        values["model_options"] = {
            "hidden": trial.suggest_categorical(name + "hidden", [64, 128]),
            "head": "max",
            "dropout": trial.suggest_float(name + "dropout", 0.0, 0.5),
        }
    return base.with_overrides(values)


def network_bound(family: str, profile: DataProfile) -> bool:
    """Whether a trial of `family` trains within plain `train`'s bound for networks (12-30
    epochs, waiting 3) rather than the linear model's: on multi-label data, where plain
    `train`'s answer is one textcnn trained so (runs/adaptive.py), so that the search's first
    textcnn trial is that model and the search has it to answer with."""
    return profile.multilabel and family in ("textcnn", "bilstm")


def drawn_length(trial: optuna.Trial, profile: DataProfile) -> int:
    """The tokens a trial's texts are cut at, before rounding: twice the median, the 95th
    percentile or the longest training text's."""
    choice = trial.suggest_categorical("length", ["p50x2", "p95", "max"])
    return {
        "p50x2": 2 * profile.length_p50,
        "p95": profile.length_p95,
        "max": profile.length_max,
    }[choice]


def enqueued(params: dict[str, Any]) -> dict[str, Any]:
    """`first_trials` parameters under the names `suggest` gives them."""
    family = params["model"]
    out = {"model": family}
    for key, value in params.items():
        if key == "length":
            out["length"] = value
        elif key != "model":
            out[f"{family}_{key}"] = value
    return out

"""Named set-ups that reproduce the classic teaching examples: `textnn train --preset NAME`.

A preset is a set of config values over the defaults; a config file and command-line flags
override it. Each says where its set-up comes from and where textnn differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textnn.config.run_config import RunConfig
from textnn.errors import NotFoundError


@dataclass(frozen=True)
class Preset:
    name: str
    source: str  # the set-up it reproduces, what that reported, and any deviation
    settings: dict[str, Any]  # dotted config keys, as `--set` takes them

    def config(self) -> RunConfig:
        return RunConfig().with_overrides(self.settings)


# d2l on IMDb. The reference numbers (86.5%, 86.2%) are the fifth-epoch test accuracies of the
# PyTorch edition of d2l's chapter (Dive-into-DL-PyTorch 10.7 and 10.8, after zh.d2l.ai), which
# lowercases the reviews and splits on spaces: its vocabulary has 46,151 words, this one 46,159.
_D2L = {
    "data.name": "imdb",
    "text.tokenizer": "whitespace",
    "text.lowercase": True,
    "text.min_freq": 5,
    "text.max_length": 500,
    "embeddings": "glove-6b-50d",
    # d2l's words without a GloVe vector (46% of its vocabulary: splitting on spaces leaves
    # "movie," and "film." whole) start as zeros, also in its frozen channel
    "missing_vectors": "zeros",
    "train.batch_size": 64,
    "train.optimizer": "adam",
    "train.epochs": 5,
    "data.validation_fraction": 0.0,  # d2l trains on all 25,000 reviews and keeps epoch 5
}
_D2L_NOTE = (
    " d2l uses the 100-d GloVe vectors; this preset uses glove-6b-50d, which works offline"
    " (add --embeddings glove-6b-100d for d2l's width). Words without a vector start as"
    " zeros, as in d2l. Padding is masked, where d2l's"
    " convolutions and last step also see the padding. As in d2l, all 25,000 training"
    " reviews train and the fifth epoch is kept (no validation split)."
)
# The Flax AG News text-classification tutorial (two approaches).
_FLAX = {
    "data.name": "ag_news",
    "text.tokenizer": "words",
    "text.max_length": 50,
    "embeddings": None,
    "train.batch_size": 1024,
    "train.learning_rate": 1e-3,
    "train.epochs": 10,
}
# Axon's (Elixir) IMDb text-classification guide.
_AXON = {
    "data.name": "imdb",
    "text.tokenizer": "normalize",
    "text.max_size": 1024,
    "text.max_length": 64,
    "embeddings": None,
    "train.learning_rate": 1e-4,
    "train.epochs": 10,
}
_AXON_NOTE = (
    " Axon's set-up: normalise (lowercase, drop punctuation), keep the 1,024 most frequent"
    " tokens (counting <pad> and <unk>), 64 tokens per review, embedding 64, Adam 1e-4,"
    " 10 epochs, padding masked."
)
# The PyTorch course's three models on the UCI labelled sentences.
_COURSE = {
    "data.name": "uci_sentences",
    "data.test_fraction": 0.1,
    "text.tokenizer": "words",
    "text.max_length": 64,
    "embeddings": None,
    "train.batch_size": 32,
    "train.optimizer": "adam",
    "train.learning_rate": 1e-3,
    "train.epochs": 10,
}
_COURSE_NOTE = (
    " 3,000 sentences (Amazon, IMDb, Yelp); 10% seeded stratified test split; 64 tokens;"
    " batch 32; Adam 1e-3; random embeddings of 64."
)

PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "d2l-textcnn-imdb",
            "d2l (16.3; PyTorch edition 10.8), sentiment analysis with TextCNN: widths 3,4,5"
            " x 100 channels, multichannel GloVe (a frozen and a trained copy side by side),"
            " dropout 0.5, reviews lowercased and split on spaces, 500 tokens, vocabulary"
            " min_freq 5, batch 64, Adam 1e-3, 5 epochs; d2l reports 86.5% test accuracy."
            + _D2L_NOTE,
            {
                **_D2L,
                "model": "textcnn",
                "model_options": {"embedding": "multichannel", "widths": [3, 4, 5]},
                "train.learning_rate": 1e-3,
            },
        ),
        Preset(
            "d2l-birnn-imdb",
            "d2l (16.2; PyTorch edition 10.7), sentiment analysis with a bidirectional RNN:"
            " frozen GloVe, 2-layer BiLSTM with 100 hidden units, outputs at the first and last"
            " steps concatenated, reviews lowercased and split on spaces, 500 tokens, vocabulary"
            " min_freq 5, batch 64, Adam 0.01, 5 epochs; d2l reports 86.2% test accuracy."
            + _D2L_NOTE,
            {
                **_D2L,
                "model": "bilstm",
                "model_options": {"embedding": "static", "hidden": 100, "layers": 2},
                "train.learning_rate": 0.01,
            },
        ),
        Preset(
            "flax-conv1d-agnews",
            "The Flax AG News tutorial, first approach: title and description joined, 50"
            " tokens, embedding 128, one Conv1D of 32 filters of width 7, max over time, batch"
            " 1024, Adam 1e-3, 10 epochs; the reference reaches 91.2%. Needs AG News' train"
            " split (downloaded; the offline mirror has only its test split).",
            {**_FLAX, "model": "conv1d", "model_options": {"embed_dim": 128}},
        ),
        Preset(
            "flax-conv1d-stack-agnews",
            "The Flax AG News tutorial, second approach: as flax-conv1d-agnews with two Conv1D"
            " layers (32 x 7) and a max-pool of 5 between them.",
            {**_FLAX, "model": "conv1d-stack", "model_options": {"embed_dim": 128}},
        ),
        Preset(
            "axon-mlp-imdb",
            "Axon's IMDb guide, MLP: embedding, flatten, dense 64 with ReLU, dense classes."
            + _AXON_NOTE,
            {
                **_AXON,
                "model": "mlp",
                "model_options": {"embed_dim": 64, "hidden": [64], "dropout": [0.0]},
            },
        ),
        Preset(
            "axon-lstm-imdb",
            "Axon's IMDb guide, LSTM: embedding, LSTM of 64, the output at the last real token,"
            " dense classes." + _AXON_NOTE,
            {**_AXON, "model": "lstm", "model_options": {"embed_dim": 64, "hidden": 64}},
        ),
        Preset(
            "axon-bilstm-imdb",
            "Axon's IMDb guide, bidirectional LSTM: embedding, forward and backward LSTMs of"
            " 64, their outputs at the last real token summed, dense classes." + _AXON_NOTE,
            {
                **_AXON,
                "model": "bilstm",
                "model_options": {"embed_dim": 64, "hidden": 64, "layers": 1, "head": "sum"},
            },
        ),
        Preset(
            "course-mlp-uci",
            "The PyTorch course's MLP on the UCI sentences: embedding, flatten, dense 64 with"
            " dropout 0.5, dense classes; the course reports 63%." + _COURSE_NOTE,
            {**_COURSE, "model": "mlp", "model_options": {"embed_dim": 64}},
        ),
        Preset(
            "course-cnn-uci",
            "The PyTorch course's CNN on the UCI sentences: four Conv1D layers (32, 32, 64, 64,"
            " width 3) with dropout 0.7/0.6/0.5/0.3 and max-pools of 2, flatten, dense 64,"
            " dense classes; the course reports 71%." + _COURSE_NOTE,
            {**_COURSE, "model": "cnn-deep", "model_options": {"embed_dim": 64}},
        ),
        Preset(
            "course-rnn-uci",
            "The PyTorch course's RNN on the UCI sentences: a bidirectional LSTM of 64, both"
            " directions' final hidden states concatenated, dense classes; the course reports"
            " 73%." + _COURSE_NOTE,
            {
                **_COURSE,
                "model": "bilstm",
                "model_options": {
                    "embed_dim": 64,
                    "hidden": 64,
                    "layers": 1,
                    "head": "final-states",
                },
            },
        ),
    )
}


def get(name: str) -> Preset:
    if name not in PRESETS:
        raise NotFoundError("preset", name, PRESETS)
    return PRESETS[name]

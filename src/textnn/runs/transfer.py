"""Transfer learning's rules: what a run that starts from another (`init`) inherits from it,
fine-tuning's defaults, and a source vocabulary grown with the new data's words."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from textnn.config import DataConfig, RunConfig, TrainConfig
from textnn.errors import DataError
from textnn.models.params import append_word_rows, head
from textnn.runs.directory import load
from textnn.runs.predictor import Predictor
from textnn.text.ragged import Ragged
from textnn.text.vocab import Vocab, extend_and_encode
from textnn.vectors import embedding_matrix, load_vectors

Echo = Callable[[str], None]

# The settings a run that starts from another takes from it: its vocabulary and parameters were
# made with them, so they cannot change.
INHERITED = ("text", "model", "model_options", "embeddings", "missing_vectors")


def source_config(run_dir: str | Path) -> RunConfig:
    """The config a trained run was made with; a DataError names a run that is not one."""
    path = Path(run_dir) / "config.json"
    if not path.is_file():
        raise DataError(
            "not a run directory (no config.json): train one with `textnn train --out DIR`",
            path=run_dir,
        )
    return RunConfig.load(path)


def source_run(run_dir: str | Path) -> Predictor:
    """The run `run_dir`, loaded to start another from; a DataError for one that cannot: not a
    run, a quantized run, or a model without a head to replace (nbsvm)."""
    source = load(run_dir)
    if source.quantized is not None:
        raise DataError(
            "a quantized run predicts but does not train further: start from the full run it "
            "was quantized from",
            path=run_dir,
        )
    head(source.model)
    return source


def finetune_config(
    run_dir: str | Path,
    *,
    data: str = DataConfig.name,
    freeze: str = "encoder",
    extend_vocab: bool = False,
    learning_rate: float | None = None,
) -> RunConfig:
    """The config of a run that fine-tunes `run_dir` on `data` (`textnn finetune` and
    `TextClassifier(init=...)` both start here): the source's inherited settings and batch
    size, a new head, `freeze` (encoder: the head alone learns), and the learning rate by
    `default_learning_rate`'s rule unless given."""
    source = source_config(run_dir)
    return RunConfig(
        data=DataConfig(name=data),
        **{name: getattr(source, name) for name in INHERITED},
        init=str(run_dir),
        extend_vocab=extend_vocab,
        train=TrainConfig(
            freeze=freeze, learning_rate=learning_rate, batch_size=source.train.batch_size
        ),
    )


def inherited_settings(config: RunConfig, source: Path, echo: Echo) -> RunConfig:
    """`config` with the text, model and embedding settings of the run it starts from (those
    are fixed by the source run's vocabulary and parameters)."""
    kept = source_config(source)
    changed = {
        name: getattr(kept, name)
        for name in INHERITED
        if getattr(config, name) != getattr(kept, name)
    }
    if changed:
        echo(f"{', '.join(changed)}: as in {source}")
    return dataclasses.replace(config, **changed)


def extend_vocabulary(
    source: Predictor, texts: list[str], config: RunConfig, echo
) -> tuple[Vocab, Ragged]:
    """The source's vocabulary with the new training texts' missing words, and its model's word
    tables grown to match (the words' pretrained vectors, random rows where there are none);
    also the texts encoded with it."""
    text = config.text
    vocab, ids = extend_and_encode(
        source.vocab, texts, source.tokenizer, min_freq=text.min_freq, max_size=text.max_size
    )
    old = len(source.vocab)
    added = Vocab([*Vocab.specials, *vocab.itos[old:]], [0, 0, *vocab.freqs[old:]])
    count, rows, vectors = len(added) - 2, None, "random rows (no embeddings)"
    if config.embeddings and count:
        seed = config.train.seed
        loaded = load_vectors(config.embeddings)
        rows, coverage = embedding_matrix(added, loaded, seed=seed, missing=config.missing_vectors)
        rows, vectors = rows[2:], f"{config.embeddings}: {coverage}"
    append_word_rows(source.model, rows, count, seed=config.train.seed)
    echo(f"extend_vocab: {count:,} words of the training split joined the vocabulary")
    if count:
        echo(f"  their vectors: {vectors}")
    return vocab, ids

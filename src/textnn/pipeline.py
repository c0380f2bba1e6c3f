"""One training run end to end: data -> splits -> tokens -> vocabulary (train split only) ->
embeddings -> model -> training -> run directory -> test evaluation."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jax
import numpy as np

from textnn.config import RunConfig
from textnn.data import load_dataset, train_validation_split
from textnn.data.dataset import Dataset, Examples
from textnn.data.sentences import MIN_WORDS, split_sentences
from textnn.embeddings import check_missing_vectors, embedding_matrix, load_vectors
from textnn.errors import DataError
from textnn.evaluate import evaluate
from textnn.models import build_model
from textnn.models.params import append_word_rows, head, replace_head
from textnn.models.params import trainable as trainable_filter
from textnn.models.registry import get as get_model
from textnn.pseudo_label import (
    check_teacher,
    load_teacher,
    pseudo_labelled,
    unlabeled_texts,
)
from textnn.run import Outputs, Predictor, load, save_run
from textnn.text.batching import BucketedBatches
from textnn.text.ragged import Ragged
from textnn.text.tokenize import Tokenizer
from textnn.text.vocab import Vocab, build_and_encode, extend_and_encode
from textnn.train.parallel import DataParallel, select_devices
from textnn.train.trainer import History, JsonlLog, Trainer

Echo = Callable[[str], None]


@dataclass
class TrainResult:
    predictor: Predictor
    history: History
    report: dict | None  # test evaluation, when there is a test split
    seconds: float  # the whole call
    fit_seconds: float  # up to the trained model: data, vocabulary, vectors, training
    # <float32>[test examples, classes], in the test split's order (None without a test split)
    test_probabilities: np.ndarray | None = None


def named_dataset(config: RunConfig) -> Dataset:
    """The dataset that `config.data` names, with its options."""
    return load_dataset(config.data.name, test=config.data.test, **config.data.options)


def split_data(
    config: RunConfig, echo: Echo, dataset: Dataset | None = None
) -> tuple[list[str], Examples, Examples | None, Examples | None]:
    """(label names, train, validation, test) of `dataset`, or else of the dataset that
    `config.data` names: the official test split where one exists, else a seeded stratified
    `test_fraction` of train; validation is carved from what remains (none when
    `validation_fraction` is 0: then training runs all its epochs and keeps the last). With
    `data.sentences`, each split's texts then become their sentences."""
    dataset = dataset or named_dataset(config)
    train, test = dataset.train, dataset.test
    seed = config.train.seed
    if test is None and config.data.test_fraction > 0:
        train, test = train_validation_split(train, config.data.test_fraction, seed=seed + 1)
        echo(
            f"no test split: holding out {len(test):,} examples ({config.data.test_fraction:.0%},"
            f" seed {seed + 1}) as test"
        )
    if len(set(train.labels.tolist())) < 2:
        raise DataError("the training split holds one class only; a classifier needs two")
    val = None
    if config.data.validation_fraction > 0:
        train, val = train_validation_split(train, config.data.validation_fraction, seed=seed)
    if config.data.sentences:  # after the splits, so that a text's sentences share its split
        train, val, test = (
            None if part is None else _sentences_of(part, name, echo)
            for part, name in ((train, "train"), (val, "validation"), (test, "test"))
        )
    return dataset.label_names, train, val, test


def _sentences_of(examples: Examples, split: str, echo: Echo) -> Examples:
    sentences, short = split_sentences(examples)
    echo(
        f"data.sentences: {split} {len(examples):,} texts -> {len(sentences):,} sentences"
        f" ({short:,} under {MIN_WORDS} words left out)"
    )
    if not len(sentences):
        raise DataError(
            f"data.sentences: the {split} split has no sentence of {MIN_WORDS} words or more",
            field="data.sentences",
        )
    return sentences


def train(
    config: RunConfig,
    out: str | Path | None,
    *,
    dataset: Dataset | None = None,
    echo: Echo = print,
    progress: bool | None = None,
    devices: int | str | None = None,
) -> TrainResult:
    """Train as `config` says and write the run directory `out` (None: write nothing).

    `dataset`: in-memory data to use instead of the one `config.data` names. `devices`: 1
    (default), N or "all": each batch is split across that many devices. With `config.init`,
    start from that trained run (transfer learning) instead of a new model."""
    started = time.perf_counter()
    _drop_compiled_code_near_the_map_limit()
    # Names first, so a typo fails in a second, not after the data has loaded.
    source = load(config.init) if config.init else None
    if source is not None:
        head(source.model)  # a model without a head to swap fails here, before the data loads
        config = _with_source_settings(config, Path(config.init), echo)
    elif config.train.freeze == "encoder":
        raise DataError("freeze='encoder' keeps a trained encoder: give `init` (a run directory)")
    elif config.extend_vocab:
        raise DataError(
            "extend_vocab adds words to the vocabulary of the run given as `init`; without one, "
            "the vocabulary is built from the training split anyway",
            field="extend_vocab",
        )
    check_missing_vectors(config.missing_vectors)
    if config.train.refit and config.data.validation_fraction <= 0:
        raise DataError(
            "refit trains again for the best validation epoch: it needs a validation split "
            "(data.validation_fraction > 0)",
            field="train.refit",
        )
    teacher = load_teacher(config) if config.teacher else None
    for field, given in (
        ("data.unlabeled", config.data.unlabeled),
        ("data.options.unlabeled", config.data.options.get("unlabeled")),
    ):
        if given and teacher is None:
            raise DataError("unlabelled texts are used only with a teacher run", field=field)
    spec = get_model(config.model)
    trainable = trainable_filter(config.train.freeze)
    tokenizer = Tokenizer(config.text.tokenizer, config.text.lowercase)
    parallel = DataParallel(select_devices(devices))
    parallel.check_batch_size(config.train.batch_size)
    if parallel.size > 1:
        echo(f"data parallel over {parallel.size} devices ({parallel.devices[0].platform})")

    dataset = dataset or named_dataset(config)
    label_names, train_ex, val_ex, test_ex = split_data(config, echo, dataset)
    if teacher is not None:
        check_teacher(config, teacher, label_names, echo)
        texts = unlabeled_texts(config, dataset)
        taught = pseudo_labelled(teacher, texts, label_names, echo)
        # The teacher labels each text whole, as the labelled texts come; their sentences then
        # take its label, as the labelled texts' sentences take theirs.
        if config.data.sentences:
            taught = _sentences_of(taught, "unlabelled", echo)
        train_ex = train_ex + taught
    echo(
        f"data {config.data.name}: train {len(train_ex):,}, validation "
        f"{len(val_ex) if val_ex is not None else 0:,}, test "
        f"{len(test_ex) if test_ex is not None else 0:,}; classes {', '.join(label_names)}"
    )
    if len(train_ex) < config.train.batch_size:
        echo(
            f"note: {len(train_ex)} training examples, fewer than a batch of "
            f"{config.train.batch_size}: one partial batch per epoch"
        )
    # Several hosts: each trains in step with the others; the first one writes the run.
    writes = out is not None and jax.process_index() == 0
    if writes:
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
    log = JsonlLog(out / "metrics.jsonl" if writes else None, echo)
    fit = _Fit(spec, tokenizer, label_names, parallel, trainable, progress, echo)

    def save(predictor):
        if writes:
            save_run(out, predictor, dataset=config.data.name, config_dict=config.to_dict())

    predictor, history = fit(
        config,
        source,
        train_ex,
        val_ex,
        log,
        on_best=None if config.train.refit else save,
        on_first_step=lambda: echo(
            f"first training step done {time.perf_counter() - started:.1f} s after the start "
            "(data, vocabulary, vectors, model, compiling)"
        ),
    )
    if history.best_epoch is not None:
        echo(
            f"best validation accuracy {history.best_val_accuracy:.4f} at epoch "
            f"{history.best_epoch}{' (stopped early)' if history.stopped_early else ''}"
        )
    if config.train.refit:
        epochs = history.best_epoch
        echo(
            f"refit: training again from the start on train + validation "
            f"({len(train_ex) + len(val_ex):,} examples) for {epochs} epochs"
        )
        predictor, again = fit(
            dataclasses.replace(config, train=dataclasses.replace(config.train, epochs=epochs)),
            load(config.init) if config.init else None,  # the first fit changed `source`
            train_ex + val_ex,
            None,
            lambda record: log({**record, "refit": True}),
        )
        history.refit_epochs = epochs
        history.epochs += [{**record, "refit": True} for record in again.epochs]
    save(predictor)  # the best parameters (restored by fit), or the refitted ones
    fit_seconds = time.perf_counter() - started

    report = probabilities = None
    if test_ex is not None:
        probabilities = predictor.predict_proba(test_ex.texts)
        report = evaluate(test_ex.labels, probabilities, label_names)
        if writes:
            (out / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    seconds = time.perf_counter() - started
    return TrainResult(predictor, history, report, seconds, fit_seconds, probabilities)


def _drop_compiled_code_near_the_map_limit(share: float = 0.5) -> None:
    """Each run compiles its own steps (their shapes follow its vocabulary and batches), and
    each compiled function holds memory maps: about 1,500 per small run. A process that trains
    many models (cross-validation, grid search) crashed at Linux's limit on maps per process
    (vm.max_map_count, 65,530 by default). Past `share` of it, drop every compiled function
    (they recompile when next called); below it keep them, since later runs of the same shapes
    reuse them (the test suite runs 3x slower when every run starts cold)."""
    try:
        limit = int(Path("/proc/sys/vm/max_map_count").read_text())
        with open("/proc/self/maps", "rb") as maps:
            count = sum(1 for _ in maps)
    except (OSError, ValueError):
        return  # not Linux: no such count to read
    if count > limit * share:
        jax.clear_caches()


class _Fit:
    """One model trained on given examples: a new model (or the `source` run's encoder with a
    new head), its vocabulary from those examples, then the trainer. Called twice by a refit."""

    def __init__(self, spec, tokenizer, label_names, parallel, trainable, progress, echo):
        self.spec, self.tokenizer, self.label_names = spec, tokenizer, label_names
        self.parallel, self.trainable = parallel, trainable
        self.progress, self.echo = progress, echo

    def __call__(self, config, source, train_ex, val_ex, log, on_best=None, on_first_step=None):
        """(Predictor, History) after training on `train_ex`, choosing the epoch on `val_ex`
        (None: all epochs, keep the last); `log` gets each epoch's record, `on_best(predictor)`
        is called whenever validation accuracy improves."""
        spec, tokenizer, echo = self.spec, self.tokenizer, self.echo
        text, label_names = config.text, self.label_names
        if source is not None:
            replace_head(source.model, len(label_names), seed=config.train.seed)
            vocab = source.vocab
            echo(
                f"from {config.init}: its vocabulary ({len(vocab):,} tokens) and encoder,"
                f" a new head for {len(label_names)} classes; frozen: {config.train.freeze}"
            )
            if config.extend_vocab:
                vocab, train_ids = _extend_vocabulary(source, train_ex.texts, config, echo)
            else:
                train_ids = tokenizer.encode(train_ex.texts, vocab)
            predictor = Predictor(
                source.model, source.tokenizer, vocab, label_names, text, config.model
            )
        else:
            predictor, train_ids = _new_model(config, spec, tokenizer, label_names, train_ex, echo)

        def batches(ids, labels, shuffle):
            return BucketedBatches(
                ids,
                labels,
                batch_size=config.train.batch_size,
                max_length=text.max_length,
                pad_multiple=text.pad_multiple,
                shuffle=shuffle,
                seed=config.train.seed,
                bucket=not spec.fixed_length,
            )

        if source is None and spec.prepare is not None:
            echo(spec.prepare(predictor.model, batches(train_ids, train_ex.labels, False)))
        predictor.parallel = self.parallel
        trainer = Trainer(
            predictor.model,
            config.train,
            len(label_names),
            log,
            self.progress,
            self.trainable,
            self.parallel,
        )
        history = trainer.fit(
            batches(train_ids, train_ex.labels, True),
            None
            if val_ex is None
            else batches(tokenizer.encode(val_ex.texts, predictor.vocab), val_ex.labels, False),
            on_best=None if on_best is None else lambda: on_best(predictor),
            on_first_step=on_first_step,
        )
        return predictor, history


def _extend_vocabulary(
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


def _new_model(config: RunConfig, spec, tokenizer, label_names, train_ex, echo):
    """A Predictor around a newly built model, and the encoded training texts."""
    text = config.text
    vocab, train_ids = build_and_encode(
        train_ex.texts, tokenizer, min_freq=text.min_freq, max_size=text.max_size
    )
    echo(f"vocabulary {len(vocab):,} tokens from the training split ({tokenizer.config.name})")
    matrix = None
    if config.embeddings and not spec.uses_vectors:
        echo(f"model {config.model} uses no word vectors: {config.embeddings} not loaded")
    elif config.embeddings:
        vectors = load_vectors(config.embeddings)
        matrix, coverage = embedding_matrix(
            vocab, vectors, seed=config.train.seed, missing=config.missing_vectors
        )
        echo(f"embeddings {config.embeddings}: {coverage}")
    options = dict(config.model_options)
    if spec.fixed_length:
        options.setdefault("max_length", text.max_length)
    model = build_model(
        config.model,
        embeddings=matrix,
        vocab_size=len(vocab),
        num_classes=len(label_names),
        seed=config.train.seed,
        **options,
    )
    return Predictor(model, tokenizer, vocab, label_names, text, config.model), train_ids


def _with_source_settings(config: RunConfig, source: Path, echo: Echo) -> RunConfig:
    """`config` with the text, model and embedding settings of the run it starts from (those
    are fixed by the source run's vocabulary and parameters)."""
    kept = RunConfig.load(source / "config.json")
    changed = {
        name: getattr(kept, name)
        for name in ("text", "model", "model_options", "embeddings", "missing_vectors")
        if getattr(config, name) != getattr(kept, name)
    }
    if changed:
        echo(f"{', '.join(changed)}: as in {source}")
    return dataclasses.replace(config, **changed)


def evaluate_run(
    predictor: Outputs, config: RunConfig, data: str | None = None, split: str = "test"
) -> dict:
    """Evaluate a trained predictor (or an Ensemble). Without `data`: on the run's own
    dataset, with the same seeded splits it was trained with (so `test` is the held-out test
    split even where the dataset has none of its own). With `data`: that dataset's `split`,
    labels mapped by name."""
    if data is None:
        label_names, train_ex, val_ex, test_ex = split_data(config, echo=lambda _: None)
        parts = {"train": train_ex, "validation": val_ex, "test": test_ex}
        if parts.get(split) is None:
            raise DataError(
                f"the run's data has no {split!r} split; choose one of "
                f"{[k for k, v in parts.items() if v is not None]}"
            )
        examples = parts[split]
    else:
        dataset = load_dataset(data)
        examples, label_names = dataset[split], dataset.label_names
    unknown = sorted(set(label_names) - set(predictor.label_names))
    if unknown:
        raise DataError(
            f"labels {unknown} of {data!r} are not among the run's labels {predictor.label_names}"
        )
    index = {n: i for i, n in enumerate(predictor.label_names)}
    labels = np.array([index[label_names[y]] for y in examples.labels], np.int32)
    return evaluate(labels, predictor.predict_proba(examples.texts), predictor.label_names)

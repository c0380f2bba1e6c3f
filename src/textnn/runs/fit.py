"""One model trained on given examples (`Fit`): a new model (`new_model`: its vocabulary from
those examples, word vectors, the model) or a source run's encoder with a new head, then the
trainer. `runs.pipeline.train` calls it once, or twice for a refit."""

from __future__ import annotations

from textnn.config import RunConfig
from textnn.models import build_model
from textnn.models.params import replace_head
from textnn.runs.predictor import Predictor
from textnn.runs.transfer import extend_vocabulary
from textnn.text.batching import BucketedBatches
from textnn.text.vocab import build_and_encode
from textnn.train.trainer import Trainer
from textnn.vectors import embedding_matrix, load_vectors


class Fit:
    """One model trained on given examples: a new model (or the `source` run's encoder with a
    new head), its vocabulary from those examples, then the trainer. Called twice by a refit."""

    def __init__(self, spec, tokenizer, label_names, parallel, trainable, progress, echo, stop):
        self.spec, self.tokenizer, self.label_names = spec, tokenizer, label_names
        self.parallel, self.trainable = parallel, trainable
        self.progress, self.echo, self.stop = progress, echo, stop

    def __call__(
        self,
        config,
        source,
        train_ex,
        val_ex,
        log,
        on_best=None,
        on_first_step=None,
        checkpoints=None,
        resume_from=None,
        start=None,
    ):
        """(Predictor, History) after training on `train_ex`, choosing the epoch on `val_ex`
        (None: all epochs, keep the last); `log` gets each epoch's record, `on_best(predictor)`
        is called whenever validation accuracy improves; `checkpoints` and `resume_from` go to
        the trainer, with `start` (a refit's loop state)."""
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
                vocab, train_ids = extend_vocabulary(source, train_ex.texts, config, echo)
            else:
                train_ids = tokenizer.encode(train_ex.texts, vocab)
            predictor = Predictor(
                source.model,
                source.tokenizer,
                vocab,
                label_names,
                text,
                config.model,
                multilabel=train_ex.multilabel,
            )
        else:
            predictor, train_ids = new_model(config, spec, tokenizer, label_names, train_ex, echo)

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
            heartbeat=echo,
        )
        history = trainer.fit(
            batches(train_ids, train_ex.labels, True),
            None
            if val_ex is None
            else batches(tokenizer.encode(val_ex.texts, predictor.vocab), val_ex.labels, False),
            on_best=None if on_best is None else lambda: on_best(predictor),
            on_first_step=on_first_step,
            stop=self.stop,
            checkpoints=checkpoints,
            resume=resume_from,
            start=start,
        )
        return predictor, history


def new_model(config: RunConfig, spec, tokenizer, label_names, train_ex, echo):
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
    predictor = Predictor(
        model, tokenizer, vocab, label_names, text, config.model, multilabel=train_ex.multilabel
    )
    return predictor, train_ids

"""`textnn autotune`: parses its flags into a RunConfig and a budget, calls
`tune.search.autotune`."""

from __future__ import annotations

import contextlib

import click

from textnn.cli.main import main
from textnn.cli.options import YOUR_DATA, key_values, reader_option_flags, reader_settings
from textnn.errors import DataError


@main.command(epilog=YOUR_DATA)
@click.option("--data", help="Built-in dataset (textnn datasets) or a path to your data.")
@click.option(
    "--test",
    type=click.Path(),
    help="A test file of your own, read as --data is (else 10% of train is held out); read "
    "once, after the search.",
)
@click.option(
    "--budget",
    default="10m",
    show_default=True,
    help="Wall-clock time for the whole search, data loading and compiling included: "
    "seconds (600) or with units (10m, 1h30m, 90s).",
)
@click.option(
    "--metric",
    type=click.Choice(["accuracy", "macro_f1", "micro_f1"]),
    help="The validation score the search maximises: accuracy (the default; macro_f1 for "
    "unbalanced classes). Multi-label data (several labels per text): macro_f1 by default, "
    "or micro_f1, or accuracy (every label of a text right), each label decided at the "
    "threshold that maximises its F1 on validation.",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Seeds the splits, the search and every trial: the same command repeats its trials.",
)
@click.option(
    "--folds",
    type=click.IntRange(min=1),
    help="How trials are judged: k-fold cross-validation over the training data (k > 1; "
    "each trial trains k times), or 1: one held-out validation split. Default: 5 under "
    "5,000 training texts with a --budget of 10m or more (one split's score is noisy there), "
    "else 1.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Trials run at once, each in a thread: for machines with cores to spare. With more "
    "than one the trials drawn depend on which finish first; --workers 1 repeats them.",
)
@click.option(
    "--embeddings",
    default="glove-6b-50d",
    show_default=True,
    help="Pretrained word vectors the textcnn and bilstm trials start from (the search also "
    "tries none, and skip-gram vectors of your training text): a built-in name, a file "
    "(GloVe/word2vec/fastText text or word2vec binary; a `textnn vectors` file brings its "
    "tokenizer, another is read with the words tokenizer unless --set "
    "text.tokenizer=NAME), or none.",
)
@click.option(
    "--init",
    type=click.Path(file_okay=False),
    help="A trained run to start from (say, a textcnn of related labelled texts): the search "
    "also fine-tunes its network on your data (its vocabulary grown with your words, a new "
    "head for your classes), in place of that family's first trial.",
)
@click.option("--out", type=click.Path(file_okay=False), help="Run directory to write.")
@click.option("--overwrite", is_flag=True, help="Replace the run in --out.")
@click.option(
    "--resume",
    type=click.Path(file_okay=False),
    help="Go on with the search stopped in this run directory (a crash, a kill, Ctrl-C) with "
    "the budget it had left; its other settings are the search's own.",
)
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="KEY=VALUE",
    help="Data settings, e.g. --set data.validation_fraction=0.2 "
    "--set data.options.text_column=review.",
)
@reader_option_flags
def autotune(
    data,
    test,
    budget,
    metric,
    seed,
    folds,
    workers,
    embeddings,
    init,
    out,
    overwrite,
    resume,
    overrides,
    encoding,
    reader_options,
):
    """Find the best model for your data within a time budget: trials of nbsvm, textcnn,
    fasttext and bilstm with their settings (each at its defaults first, then Optuna's TPE
    search; bad trials pruned after their second epoch), judged on a validation split
    carved from the training data (k-fold cross-validation under 5,000 texts, given 10
    minutes or more); the answer, the soft vote of plain train's four fits (the first
    trials) unless the best trial or a vote of the best two or three is better on validation
    by over three standard deviations, is refitted on all the training data when time
    allows. Multi-label data: the best trial or vote on validation, each label decided at
    the threshold chosen there for it. The test split is read once, at the end. Writes a
    normal run directory (predict, evaluate, explain, report and finetune read it) with every
    trial in autotune.jsonl.

    \b
    Examples:
      textnn autotune --data reviews.csv --option text_column=review --out runs/best
      textnn autotune --data mr --budget 5m --out runs/mr-auto
      textnn vectors --data reviews.csv --input more-reviews.txt --out runs/vec.txt
      textnn autotune --data reviews.csv --embeddings runs/vec.txt --out runs/best
      textnn autotune --data mr --init runs/imdb-sentences-textcnn --out runs/mr-auto
      textnn autotune --data tickets.jsonl --metric macro_f1 --budget 1h --out runs/tickets
      textnn autotune --data goemotions --budget 20m --out runs/emotions   (multi-label)
      textnn autotune --data big.csv --budget 2h --workers 4 --out runs/big   (16 cores)
      textnn predict runs/best "a text to classify"
      textnn autotune --resume runs/best      (after a crash or Ctrl-C: goes on)
    """
    from textnn.config import RunConfig
    from textnn.train.signals import stop_on_signals
    from textnn.tune import autotune as run_autotune
    from textnn.tune import parse_budget
    from textnn.tune.search import resume_autotune

    if resume is not None:
        if data is not None or out is not None:
            raise click.UsageError("--resume RUN goes on with RUN's own search: drop --data/--out")
        with stop_on_signals() as stop, _stopped(resume):
            result = resume_autotune(resume, echo=click.echo, stop=stop, workers=workers)
        _finish(result, resume)
        return
    if data is None or out is None:
        raise click.UsageError("give --data and --out (or --resume RUN)")
    try:
        seconds = parse_budget(budget)
    except DataError as err:
        raise click.BadParameter(str(err).split(": ", 1)[-1], param_hint="--budget") from None
    values = {"data.name": data, "train.seed": seed, "embeddings": embeddings}
    if test is not None:
        values["data.test"] = test
    if init is not None:
        values["init"] = init
    reader = reader_settings(encoding, reader_options)
    if reader:
        values["data.options"] = reader
    values.update(key_values(overrides, "--set"))
    config = RunConfig().with_overrides(values)
    with stop_on_signals() as stop, _stopped(out):
        result = run_autotune(
            config,
            out,
            budget=seconds,
            metric=metric,
            echo=click.echo,
            overwrite=overwrite,
            stop=stop,
            workers=workers,
            folds=folds,
        )
    _finish(result, out)


@contextlib.contextmanager
def _stopped(out):
    """Ctrl-C or SIGTERM: the search saved where it stands; say how to go on (exit 130)."""
    from textnn.train.signals import Interrupted

    try:
        yield
    except Interrupted as err:
        click.echo(f"{err}; to go on: textnn autotune --resume {out}", err=True)
        raise SystemExit(130) from None


def _finish(result, out) -> None:
    from textnn.runs.evaluate import format_report

    if result.report is not None:
        click.echo(format_report(result.report))
    click.echo(f"run written to {out} in {result.seconds:.0f} s")

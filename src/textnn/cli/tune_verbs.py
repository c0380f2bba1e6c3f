"""`textnn autotune`: parses its flags into a RunConfig and a budget, calls
`tune.search.autotune`."""

from __future__ import annotations

import click

from textnn.cli.main import main
from textnn.cli.options import YOUR_DATA, key_values, reader_option_flags, reader_settings
from textnn.errors import DataError


@main.command(epilog=YOUR_DATA)
@click.option(
    "--data", required=True, help="Built-in dataset (textnn datasets) or a path to your data."
)
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
    type=click.Choice(["accuracy", "macro_f1"]),
    default="accuracy",
    show_default=True,
    help="The validation score the search maximises (macro_f1 for unbalanced classes).",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Seeds the splits, the search and every trial: the same command repeats its trials.",
)
@click.option(
    "--out", type=click.Path(file_okay=False), required=True, help="Run directory to write."
)
@click.option("--overwrite", is_flag=True, help="Replace the run in --out.")
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="KEY=VALUE",
    help="Data settings, e.g. --set data.validation_fraction=0.2 "
    "--set data.options.text_column=review.",
)
@reader_option_flags
def autotune(data, test, budget, metric, seed, out, overwrite, overrides, encoding, reader_options):
    """Find the best model for your data within a time budget: trials of nbsvm, fasttext,
    textcnn and bilstm with their settings (Optuna's TPE search, bad trials pruned after an
    epoch), judged on a validation split carved from the training data; the best model, or
    the soft vote of the best two or three, refitted on all the training data when time
    allows. The test split is read once, at the end. Writes a normal run directory (predict,
    evaluate, explain, report and finetune read it) with every trial in autotune.jsonl.

    \b
    Examples:
      textnn autotune --data reviews.csv --option text_column=review --out runs/best
      textnn autotune --data mr --budget 5m --out runs/mr-auto
      textnn autotune --data tickets.jsonl --metric macro_f1 --budget 1h --out runs/tickets
      textnn predict runs/best "a text to classify"
    """
    from textnn.config import RunConfig
    from textnn.runs.evaluate import format_report
    from textnn.tune import autotune as run_autotune
    from textnn.tune import parse_budget

    try:
        seconds = parse_budget(budget)
    except DataError as err:
        raise click.BadParameter(str(err).split(": ", 1)[-1], param_hint="--budget") from None
    values = {"data.name": data, "train.seed": seed}
    if test is not None:
        values["data.test"] = test
    reader = reader_settings(encoding, reader_options)
    if reader:
        values["data.options"] = reader
    values.update(key_values(overrides, "--set"))
    config = RunConfig().with_overrides(values)
    result = run_autotune(
        config, out, budget=seconds, metric=metric, echo=click.echo, overwrite=overwrite
    )
    if result.report is not None:
        click.echo(format_report(result.report))
    click.echo(f"run written to {out} in {result.seconds:.0f} s")

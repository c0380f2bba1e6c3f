"""`textnn models`, `textnn summary` and `textnn quantize`: the model zoo, a model's layers, and
a run made smaller."""

from __future__ import annotations

import json

import click

from textnn.cli.main import main
from textnn.cli.options import key_values


@main.command()
def models() -> None:
    """List the models that can be built by name.

    \b
    Example:
      textnn models
    """
    from textnn.models import MODELS

    for name, spec in MODELS.items():
        fixed = "  (fixed length: max_length)" if spec.fixed_length else ""
        click.echo(f"{name:<14}{spec.description}{fixed}")


@main.command()
@click.argument("run_dir", required=False, type=click.Path())
@click.option("--model", "model_name", help="Model name (see `textnn models`).")
@click.option("--vocab-size", default=10_000, show_default=True, help="Vocabulary size.")
@click.option("--classes", default=2, show_default=True, help="Number of classes.")
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="FIELD=JSON",
    help="Override a config field, e.g. --set hidden=128 --set widths=[2,3].",
)
def summary(run_dir, model_name, vocab_size: int, classes: int, overrides: tuple[str, ...]) -> None:
    """Show a model's layers, parameter shapes and counts: a trained run's, or a model built on
    a default configuration.

    \b
    Examples:
      textnn summary runs/imdb
      textnn summary --model textcnn
      textnn summary --model bilstm --vocab-size 50000 --set hidden=128
    """
    from textnn.models import build_model
    from textnn.models import summary as describe_model

    if (run_dir is None) == (model_name is None):
        raise click.UsageError("give a RUN_DIR or --model NAME (one of them)")
    if run_dir is not None:
        from textnn.runs.directory import load

        model = load(run_dir).model
        click.echo(f"config: {json.dumps(model.config.to_dict())}")
        click.echo(describe_model(model))
        return
    values = key_values(overrides, "--set")
    try:
        model = build_model(model_name, vocab_size=vocab_size, num_classes=classes, **values)
    except (ValueError, TypeError) as err:
        raise click.UsageError(str(err)) from None
    click.echo(f"config: {json.dumps(model.config.to_dict())}")
    click.echo(describe_model(model))


@main.command()
@click.argument("run_dir", type=click.Path())
@click.option("--out", required=True, type=click.Path(), help="Folder for the quantized run.")
@click.option(
    "--method",
    type=click.Choice(["int8", "pq"]),
    default="int8",
    show_default=True,
    help="int8: each value an 8-bit code (a scale per row of a word table, per column of a "
    "narrow n-gram table), about 4x smaller; pq: product quantization, each pair of values "
    "one of 256 centroids, about 8x smaller and a little less exact.",
)
@click.option("--overwrite", is_flag=True, help="Replace a run already in --out.")
def quantize(run_dir, out, method, overwrite) -> None:
    """Write a smaller copy of a trained run: its word and n-gram tables (and an nbsvm's
    ratios folded into its weights) stored as 8-bit codes, on disk and in memory. predict,
    evaluate, explain, serve and the Python API load it as any run; it does not train further.

    \b
    Examples:
      textnn quantize runs/imdb --out runs/imdb-int8
      textnn quantize runs/imdb --out runs/imdb-pq --method pq
      textnn evaluate runs/imdb-int8     its accuracy, to compare with the full run's

    The copy has no test report or training log: evaluate it on the data you trust.
    """
    from textnn.runs.compact import format_sizes, quantize_run

    result = quantize_run(run_dir, out, method, overwrite=overwrite)
    click.echo(format_sizes(result))
    click.echo(f"wrote {out}; check it with: textnn evaluate {out}")

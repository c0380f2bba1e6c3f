"""`textnn models` and `textnn summary`: the model zoo and a model's layers."""

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

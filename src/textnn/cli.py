"""The `textnn` command: parses, calls the library, prints. No logic of its own."""

from __future__ import annotations

import json
import sys

import click

from textnn.errors import TextnnError


class _FriendlyErrors(click.Group):
    """A TextnnError becomes a one-line message and exit status 2, not a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except TextnnError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(2)


@click.group(cls=_FriendlyErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="textnn")
def main() -> None:
    """textnn: train, evaluate and explain neural text classifiers on word embeddings.

    \b
    Data come from the cache (TEXTNN_HOME), an offline mirror (TEXTNN_MIRROR) or the
    canonical download, in that order. Start with:
      textnn datasets            what is built in, and where each file would come from
      textnn datasets --stats    load them and show counts and token lengths
      textnn models              the model zoo
      textnn summary --model textcnn
    """


@main.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per dataset, a line each.")
@click.option(
    "--stats",
    is_flag=True,
    help="Load every available dataset and show per-split counts, class balance and "
    "token lengths (words tokenizer).",
)
def datasets(as_json: bool, stats: bool) -> None:
    """List the built-in datasets and whether each is cached, in the mirror, or to download.

    \b
    Examples:
      textnn datasets
      textnn datasets --json
      TEXTNN_MIRROR=../shared/data textnn datasets --stats
    """
    from textnn.data import DATASETS, available_splits, describe, load_dataset
    from textnn.stats import dataset_stats

    for name in DATASETS:
        info = describe(name)
        if stats:
            splits = available_splits(name)
            info["stats"] = (
                dataset_stats(load_dataset(name, splits=splits, download=False))["splits"]
                if splits
                else {}
            )
            info["offline_splits"] = splits
        if as_json:
            click.echo(json.dumps(info))
            continue
        click.secho(f"{name}", bold=True, nl=False)
        click.echo(f"  {info['title']}")
        click.echo(f"  classes: {', '.join(info['classes'])}")
        click.echo("  splits:  " + ", ".join(f"{s} {n:,}" for s, n in info["splits"].items()))
        for path, origin in info["files"].items():
            click.echo(f"  file:    {path}  [{origin}]")
        if info["notes"]:
            click.echo(f"  note:    {info['notes']}")
        if stats and not info["stats"]:
            click.echo("  stats:   no split is available offline")
        for split, s in info.get("stats", {}).items():
            balance = ", ".join(f"{k} {v:,}" for k, v in s["per_class"].items())
            t = s["tokens"]
            click.echo(
                f"  {split:>5}:   {s['examples']:,} examples ({balance}); tokens per text: "
                f"mean {t['mean']}, median {t['median']}, 90% {t['p90']}, max {t['max']}"
            )
        click.echo()


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
@click.option("--model", "model_name", required=True, help="Model name (see `textnn models`).")
@click.option("--vocab-size", default=10_000, show_default=True, help="Vocabulary size.")
@click.option("--classes", default=2, show_default=True, help="Number of classes.")
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="FIELD=JSON",
    help="Override a config field, e.g. --set hidden=128 --set widths=[2,3].",
)
def summary(model_name: str, vocab_size: int, classes: int, overrides: tuple[str, ...]) -> None:
    """Show a model's layers, parameter shapes and counts, built on a default configuration.

    \b
    Examples:
      textnn summary --model textcnn
      textnn summary --model bilstm --vocab-size 50000 --set hidden=128
    """
    from textnn.models import build_model
    from textnn.models import summary as describe_model

    values = {}
    for item in overrides:
        field, sep, raw = item.partition("=")
        if not sep:
            raise click.BadParameter(f"expected FIELD=VALUE, got {item!r}", param_hint="--set")
        try:
            values[field] = json.loads(raw)
        except json.JSONDecodeError:
            values[field] = raw  # a bare word such as gru
    try:
        model = build_model(model_name, vocab_size=vocab_size, num_classes=classes, **values)
    except (ValueError, TypeError) as err:
        raise click.UsageError(str(err)) from None
    click.echo(f"config: {json.dumps(model.config.to_dict())}")
    click.echo(describe_model(model))


if __name__ == "__main__":
    main()

"""`textnn datasets`, `textnn inspect` and `textnn vectors`: the built-in data, your own data
before training, and word vectors from your text."""

from __future__ import annotations

import json

import click

from textnn.cli.main import main
from textnn.cli.options import YOUR_DATA, reader_option_flags, reader_settings
from textnn.errors import TextnnError
from textnn.text.tokenize import TOKENIZERS


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
    from textnn.analysis.stats import dataset_stats
    from textnn.data import DATASETS, available_splits, describe, load_dataset

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
@click.option("--data", help="Learn from this dataset's training split (never its test split).")
@click.option("--unlabeled", is_flag=True, help="Also its unlabelled texts (IMDb: 50,000 reviews).")
@click.option(
    "--input",
    "files",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="A UTF-8 text file, one text a line (repeat for more).",
)
@click.option(
    "--tokenizer",
    type=click.Choice(TOKENIZERS),
    default="words",
    show_default=True,
    help="Use the one your classifier will use (its --tokenizer).",
)
@click.option("--dim", default=100, show_default=True, help="Vector width.")
@click.option("--epochs", default=5, show_default=True, help="Passes over the text.")
@click.option("--window", default=5, show_default=True, help="Context words on each side.")
@click.option("--min-count", default=5, show_default=True, help="Rarer words get no vector.")
@click.option("--workers", default=0, show_default=True, help="Threads; 0: every core.")
@click.option("--seed", default=0, show_default=True, help="With --workers 1, runs repeat.")
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False), help="The vector file to write."
)
def vectors(data, unlabeled, files, tokenizer, dim, epochs, window, min_count, workers, seed, out):
    """Train word vectors (skip-gram, as word2vec) on your own text, for --embeddings.

    \b
    Vectors from text like yours can beat general ones: on MR's movie reviews, 100-d vectors
    from IMDb's reviews add 2.6 points over GloVe 6B 50d (docs/benchmarks.md).
      textnn vectors --data imdb --unlabeled --tokenizer glove --out imdb-100d.txt
      textnn train --data mr --tokenizer glove --embeddings imdb-100d.txt --out runs/mr
    Writes word2vec text, and FILE.json beside it: the settings and the text it came from.
    """
    from textnn.text.tokenize import Tokenizer
    from textnn.vectors.skipgram import SkipgramConfig, texts_to_learn_from, train_and_write

    if not data and not files:
        raise click.UsageError("give --data, --input FILE, or both: the text to learn from")
    try:
        config = SkipgramConfig(
            dim=dim, epochs=epochs, window=window, min_count=min_count, workers=workers, seed=seed
        )
        texts, about = texts_to_learn_from(data, unlabeled, files)
    except TextnnError:
        raise  # names its file and line
    except ValueError as err:
        raise click.UsageError(str(err)) from None
    click.echo(f"learning from {len(texts):,} texts")
    record = train_and_write(texts, Tokenizer(tokenizer), config, out, about)
    click.echo(
        f"wrote {record['words']:,} vectors of {dim} to {out} in {record['train_seconds']:.0f} s"
    )


@main.command(epilog=YOUR_DATA)
@click.argument("path", type=click.Path())
@click.option("--test", type=click.Path(), help="A test file of your own, read as PATH is.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@reader_option_flags
def inspect(path, test, as_json, encoding, reader_options) -> None:
    """Show what textnn will read from your data, before any training: the format, a CSV's
    columns, examples and classes per split, token lengths, and every bad line (bad lines
    are listed, as --option on_error=skip would leave them out; --option on_error=raise
    stops at the first).

    \b
    Examples:
      textnn inspect reviews.csv
      textnn inspect reviews.csv --option text_column=review --option label_column=stars
      textnn inspect questions.txt --option format=label-text --test test.txt --json
    """
    from textnn.analysis.stats import inspect_data

    options = reader_settings(encoding, reader_options)
    info = inspect_data(path, test=test, **options)
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False))
        return
    click.secho(info["path"], bold=True)
    click.echo(f"  format:  {info['format']}")
    if "columns" in info:
        click.echo(f"  columns: {', '.join(info['columns'])}")
    click.echo(
        f"  classes: {len(info['classes'])} ({', '.join(info['classes'][:20])}"
        f"{', ...' if len(info['classes']) > 20 else ''})"
        + ("; multi-label: counts are the texts carrying each" if info.get("multilabel") else "")
    )
    for split, s in info["splits"].items():
        balance = ", ".join(f"{k} {v:,}" for k, v in s["per_class"].items())
        t = s["tokens"]
        click.echo(f"  {split:>5}:   {s['examples']:,} examples ({balance})")
        click.echo(
            f"           tokens per text: mean {t['mean']}, median {t['median']}, 90% "
            f"{t['p90']}, 99% {t['p99']}, max {t['max']} (words tokenizer)"
        )
    for warning in info["warnings"]:
        click.echo(f"  warning: {warning}")
    skipped = info["skipped"]
    click.echo(
        f"  bad lines: {len(skipped):,}"
        + (
            " (left out when training with on_error=skip; training stops at the first otherwise)"
            if skipped
            else ""
        )
    )
    for line in skipped[:20]:
        click.echo(f"    {line}")
    if len(skipped) > 20:
        click.echo(f"    ... {len(skipped) - 20:,} more (--json lists them all)")

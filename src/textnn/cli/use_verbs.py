"""`textnn evaluate` and `textnn predict`: a trained run (or a vote of several) put to use."""

from __future__ import annotations

import json
from pathlib import Path

import click

from textnn.cli.main import main
from textnn.cli.options import VOTE_WITH, predictor_or_vote


@main.command()
@click.argument("run_dir", type=click.Path())
@click.option("--data", help="Dataset to evaluate on (default: the one the run trained on).")
@click.option("--split", default="test", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@VOTE_WITH
def evaluate(run_dir, data, split, as_json, vote_with) -> None:
    """Evaluate a run: accuracy, per-class precision/recall/F1, macro and weighted F1, log
    loss and the confusion matrix.

    \b
    Examples:
      textnn evaluate runs/imdb
      textnn evaluate runs/imdb --data imdb --split test --json
      textnn evaluate runs/imdb-textcnn --vote-with runs/imdb-nbsvm

    Without --data, the splits are those RUN_DIR was trained with (also with --vote-with).
    """
    from textnn.config import RunConfig
    from textnn.runs.evaluate import evaluate_run, format_report

    predictor = predictor_or_vote(run_dir, vote_with)
    config = RunConfig.load(Path(run_dir) / "config.json")
    report = evaluate_run(predictor, config, data, split)
    if data is None and split == "validation" and config.train.refit:
        click.echo(
            "note: this run was refit on train + validation: its validation split is not held out",
            err=True,
        )
    click.echo(json.dumps(report) if as_json else format_report(report))


@main.command()
@click.argument("run_dir", type=click.Path())
@click.argument("texts", nargs=-1)
@click.option(
    "--file",
    "file",
    type=click.Path(dir_okay=False),
    help="Texts to classify: one per line, or a CSV column with --column.",
)
@click.option("--column", help="With a CSV --file: the text column's name.")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help='One JSON object per text: {"text", "label", "probabilities"}.',
)
@click.option(
    "--batch-size", default=1024, show_default=True, help="Texts read and classified at a time."
)
@VOTE_WITH
def predict(run_dir, texts, file, column, as_json, batch_size, vote_with) -> None:
    """Classify texts: the label and the probability of every class.

    \b
    Examples:
      textnn predict runs/imdb "A moving, beautifully acted film."
      textnn predict runs/imdb --file reviews.txt --json
      textnn predict runs/imdb --file reviews.csv --column review --json
      textnn predict runs/imdb-textcnn --vote-with runs/imdb-nbsvm --file reviews.txt
    """
    import itertools

    from textnn.data.text_files import iter_column, iter_lines

    if not texts and not file:
        raise click.UsageError("give texts as arguments or --file")
    predictor = predictor_or_vote(run_dir, vote_with)
    items = itertools.chain(
        texts, (iter_column(file, column) if column else iter_lines(file)) if file else ()
    )
    # Read, classify and print a chunk at a time, so a large file never sits in memory.
    while chunk := list(itertools.islice(items, batch_size)):
        for record in predictor.predict_records(chunk):
            if as_json:
                click.echo(json.dumps(record, ensure_ascii=False))
            else:
                probs = "  ".join(f"{k} {v:.3f}" for k, v in record["probabilities"].items())
                click.echo(f"{record['label']}\t{probs}\t{record['text'][:80]}")

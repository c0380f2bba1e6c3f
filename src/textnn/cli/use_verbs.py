"""`textnn evaluate` and `textnn predict`: a trained run (or a vote of several) put to use."""

from __future__ import annotations

import json
from pathlib import Path

import click

from textnn.cli.main import main
from textnn.cli.options import (
    VOTE_WITH,
    YOUR_DATA,
    predictor_or_vote,
    reader_option_flags,
    reader_settings,
)

PREVIEW = 200  # characters of each text that predict prints back


@main.command(epilog=YOUR_DATA)
@click.argument("run_dir", type=click.Path())
@click.option(
    "--data", help="Dataset or file to evaluate on (default: the one the run trained on)."
)
@click.option(
    "--split",
    help="train, validation or test (default: test; a file of your own with no test split: "
    "all of it).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@reader_option_flags
@VOTE_WITH
def evaluate(run_dir, data, split, as_json, encoding, reader_options, vote_with) -> None:
    """Evaluate a run: accuracy, per-class precision/recall/F1, macro and weighted F1, log
    loss and the confusion matrix.

    \b
    Examples:
      textnn evaluate runs/imdb
      textnn evaluate runs/imdb --data imdb --split test --json
      textnn evaluate runs/imdb-textcnn --vote-with runs/imdb-nbsvm
      textnn evaluate runs/mine --data new-reviews.csv --option text_column=review

    Without --data, the splits are those RUN_DIR was trained with (also with --vote-with).
    """
    from textnn.config import RunConfig
    from textnn.runs.evaluate import evaluate_run, format_report

    predictor = predictor_or_vote(run_dir, vote_with)
    config = RunConfig.load(Path(run_dir) / "config.json")
    options = reader_settings(encoding, reader_options)
    if options and data is None:
        raise click.UsageError("--encoding and --option read the --data you give: give --data")
    report = evaluate_run(predictor, config, data, split, echo=_note, **options)
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
@click.option("--encoding", default="utf-8", show_default=True, help="The --file's encoding.")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help='One JSON object per text: {"text", "label", "labels", "probabilities"} ("text": its '
    f'first {PREVIEW} characters; "label": the most probable; "labels": those chosen by '
    "--top-k and --threshold).",
)
@click.option(
    "--top-k",
    "-k",
    type=int,
    help="At most K labels per text (-1: all), most probable first, as fastText's -k. "
    "Default: 1, or for a multi-label run every label at or above its threshold.",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0.0, 1.0),
    help="Only labels with at least this probability. Default: 0, or for a multi-label run "
    "each label's threshold chosen on validation when it trained.",
)
@click.option(
    "--batch-size", default=1024, show_default=True, help="Texts read and classified at a time."
)
@VOTE_WITH
def predict(
    run_dir, texts, file, column, encoding, as_json, top_k, threshold, batch_size, vote_with
) -> None:
    """Classify texts: the label (multi-label runs: the labels) and the probability of every
    class.

    \b
    Examples:
      textnn predict runs/imdb "A moving, beautifully acted film."
      textnn predict runs/imdb --file reviews.txt --json
      textnn predict runs/imdb --file reviews.csv --column review --json
      textnn predict runs/imdb --file old-reviews.txt --encoding latin-1
      textnn predict runs/imdb-textcnn --vote-with runs/imdb-nbsvm --file reviews.txt
      textnn predict runs/goemotions "thanks, that made my day" -k 3 --threshold 0.2

    Each output line: the chosen labels (comma-separated; "-" when none passes the
    threshold), the probabilities (multi-label runs: of the chosen labels), the text.
    """
    import itertools

    from textnn.data.text_files import iter_column, iter_lines

    if not texts and not file:
        raise click.UsageError("give texts as arguments or --file")
    if top_k is not None and (top_k == 0 or top_k < -1):
        raise click.UsageError(f"--top-k must be at least 1, or -1 for all; got {top_k}")
    predictor = predictor_or_vote(run_dir, vote_with)
    items = itertools.chain(
        texts,
        (iter_column(file, column, encoding) if column else iter_lines(file, encoding))
        if file
        else (),
    )
    # Read, classify and print a chunk at a time, so a large file never sits in memory.
    while chunk := list(itertools.islice(items, batch_size)):
        for record in predictor.predict_records(chunk, top_k, threshold):
            if as_json:
                record["text"] = preview(record["text"], PREVIEW)
                click.echo(json.dumps(record, ensure_ascii=False))
            else:
                shown = record["probabilities"]
                if predictor.multilabel:
                    shown = {k: shown[k] for k in record["labels"]}
                probs = "  ".join(f"{k} {v:.3f}" for k, v in shown.items())
                labels = ",".join(record["labels"]) or "-"
                click.echo(f"{labels}\t{probs}\t{preview(record['text'], 80)}")


def preview(text: str, limit: int) -> str:
    """The text on one line, cut to `limit` characters with an ellipsis when longer."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _note(message: str) -> None:
    click.echo(f"note: {message}", err=True)

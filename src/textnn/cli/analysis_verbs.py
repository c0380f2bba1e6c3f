"""`textnn explain`, `textnn plot` and `textnn report`: what a run learned, for people."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from textnn.cli.main import main
from textnn.cli.options import VOTE_WITH, predictor_or_vote, reader_option_flags, reader_settings
from textnn.text.tokenize import TOKENIZERS

VOTED_FIGURES = ("confusion", "per-class")  # the figures of test results, which a vote has


@main.command()
@click.argument("run_dir", type=click.Path())
@click.argument("text")
@click.option(
    "--json", "as_json", is_flag=True, help='Print {"label", "probabilities", "weights"}.'
)
@click.option("--html", "html_file", type=click.Path(dir_okay=False), help="Write an HTML snippet.")
@click.option("--num-samples", default=5000, show_default=True, help="Perturbed copies LIME asks.")
@click.option("--num-features", default=10, show_default=True, help="Words in the explanation.")
@click.option(
    "--class",
    "classes",
    multiple=True,
    help="Explain this class (repeat for several); default: the predicted one.",
)
@click.option("--seed", default=0, show_default=True, help="Same seed, same explanation.")
@VOTE_WITH
def explain(
    run_dir, text, as_json, html_file, num_samples, num_features, classes, seed, vote_with
) -> None:
    """Explain one prediction with LIME: the words that pushed the model towards (+) or away
    from (-) the predicted class, coloured in the text.

    \b
    Examples:
      textnn explain runs/imdb "Wooden acting, but the music is lovely."
      textnn explain runs/imdb "..." --json --num-samples 2000
      textnn explain runs/ag "..." --class Sports --class World --html why.html
      textnn explain runs/imdb-textcnn "..." --vote-with runs/imdb-nbsvm   (explain the vote)
    """
    from textnn.analysis.explain import explain as explain_text

    result = explain_text(
        predictor_or_vote(run_dir, vote_with),
        text,
        classes=list(classes) or None,
        num_features=num_features,
        num_samples=num_samples,
        seed=seed,
    )
    if html_file:
        Path(html_file).write_text(result.to_html() + "\n", encoding="utf-8")
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        click.echo(result.to_terminal(color=sys.stdout.isatty()))


@main.command()
@click.argument(
    "kind", type=click.Choice(["confusion", "curves", "lengths", "embeddings", "per-class"])
)
@click.argument("run_dir", required=False, type=click.Path())
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="A .png or .svg file.")
@click.option("--split", default="train", show_default=True, help="lengths: which split.")
@click.option(
    "--words",
    help="embeddings: the words to map, space-separated (default: china beijing russia "
    "moscow france paris germany berlin japan tokyo).",
)
@click.option(
    "--vectors", help="embeddings: map pretrained vectors (e.g. glove-6b-50d) instead of a run's."
)
@click.option("--data", help="lengths: a dataset (built-in or a path) instead of a run's.")
@click.option("--max-length", type=int, help="lengths with --data: the cut to mark.")
@click.option(
    "--tokenizer",
    type=click.Choice(TOKENIZERS),
    default="words",
    show_default=True,
    help="lengths with --data: how texts become tokens.",
)
@reader_option_flags
@VOTE_WITH
def plot(
    kind,
    run_dir,
    out,
    split,
    words,
    vectors,
    data,
    max_length,
    tokenizer,
    encoding,
    reader_options,
    vote_with,
) -> None:
    """Draw one picture of a run (PNG or SVG, by the --out suffix).

    \b
    confusion   confusion matrix of the test split: counts and row-normalised
    curves      train loss, train accuracy, validation accuracy per epoch
    lengths     tokens per text of a split, with the run's max_length marked
    embeddings  PCA map of word vectors: the run's trained table, or --vectors
    per-class   precision, recall and F1 per class

    \b
    Examples:
      textnn plot curves runs/imdb --out curves.png
      textnn plot confusion runs/imdb --out confusion.svg
      textnn plot embeddings --vectors glove-6b-50d --out capitals.png
      textnn plot lengths --data imdb --max-length 500 --out lengths.png   (before training)
      textnn plot lengths --data mine.tsv --encoding latin-1 --out lengths.png
      textnn plot confusion runs/imdb-textcnn --vote-with runs/imdb-nbsvm --out vote.png
    """
    from textnn.analysis import plots
    from textnn.analysis.figures import RunView, dataset_lengths, pretrained_map
    from textnn.text import Tokenizer

    word_list = words.split() if words else plots.CAPITALS
    if vote_with and kind not in VOTED_FIGURES:
        raise click.UsageError(
            f"--vote-with draws {' or '.join(VOTED_FIGURES)} (test results); {kind} is one run's"
        )
    if kind == "embeddings" and vectors:
        figure = pretrained_map(vectors, word_list)
    elif kind == "lengths" and data:
        options = reader_settings(encoding, reader_options)
        figure = dataset_lengths(data, split, Tokenizer(tokenizer), max_length, **options)
    elif run_dir is None:
        raise click.UsageError(
            "give a RUN_DIR (or --vectors for an embeddings map, --data for lengths)"
        )
    else:
        figure = RunView(run_dir, vote_with).figure(kind, word_list, split)
    click.echo(f"wrote {plots.save(figure, out)}")


@main.command()
@click.argument("run_dir", type=click.Path())
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    help="Default: RUN_DIR/report.html (RUN_DIR/report-vote.html with --vote-with).",
)
@click.option("--explanations", default=3, show_default=True, help="Test examples explained.")
@click.option("--num-samples", default=1000, show_default=True, help="LIME samples each.")
@VOTE_WITH
def report(run_dir, out, explanations, num_samples, vote_with) -> None:
    """Write one self-contained HTML report of a run (images embedded; opens offline): config,
    data statistics, training curves, metrics, confusion matrix, per-class bars, the most
    confidently misclassified test examples and LIME explanations. With --vote-with, the test
    results and explanations are the vote's, on RUN_DIR's test split, beside each run's own
    accuracy.

    \b
    Examples:
      textnn report runs/imdb
      textnn report runs/imdb --out imdb.html --explanations 5
      textnn report runs/imdb-textcnn --vote-with runs/imdb-nbsvm
    """
    from textnn.analysis.report import write_report

    path = write_report(
        run_dir, out, explanations=explanations, num_samples=num_samples, vote_with=vote_with
    )
    click.echo(f"wrote {path}")

"""The `textnn` command: parses, calls the library, prints. No logic of its own."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from textnn.errors import TextnnError
from textnn.memory import keep_freed_memory
from textnn.presets import PRESETS
from textnn.text.tokenize import TOKENIZERS


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
      textnn presets             the classic set-ups by name
      textnn train --preset d2l-textcnn-imdb --out runs/imdb
      textnn predict runs/imdb "A moving film."
      textnn explain runs/imdb "A moving film."   the words behind the decision
      textnn finetune runs/imdb --data uci_sentences --out runs/uci
      textnn vectors --data imdb --unlabeled --out imdb.txt   word vectors from your text
      textnn report runs/imdb    one HTML page: curves, metrics, mistakes, explanations

    \b
    On Linux the command keeps the memory XLA frees for reuse (faster steps; textnn/memory.py);
    TEXTNN_MALLOC=system leaves glibc's allocator at its defaults.
    """
    keep_freed_memory()  # before any JAX computation starts XLA's threads


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


def _parse_value(raw: str):
    """A --set value: JSON when it parses (numbers, lists, true, null), else the bare string."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw


def _pairs(items: tuple[str, ...], option: str) -> dict:
    values = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep:
            raise click.BadParameter(f"expected KEY=VALUE, got {item!r}", param_hint=option)
        values[key.strip()] = _parse_value(raw)
    return values


def _shared_run_options(command):
    """The options that `train` and `finetune` share, in one place."""
    options = [
        click.option("--data", help="Built-in dataset (textnn datasets) or a path to your data."),
        click.option("--epochs", type=int, help="Training epochs."),
        click.option(
            "--out", required=True, type=click.Path(file_okay=False), help="Run directory to write."
        ),
        click.option("--seed", type=int, help="Random seed (splits, initialisation, shuffling)."),
        click.option("--batch-size", type=int, help="Examples per batch (over all devices)."),
        click.option("--lr", type=float, help="Learning rate."),
        click.option(
            "--set",
            "overrides",
            multiple=True,
            metavar="KEY=VALUE",
            help="Any config field by dotted name, e.g. --set train.schedule=cosine "
            "--set model_options.channels=200 --set data.options.text_column=review.",
        ),
        click.option(
            "--devices",
            default="1",
            show_default=True,
            help="Data parallel: split each batch across N devices, or 'all' (every GPU, or "
            "every host's devices in a multi-host run).",
        ),
        click.option(
            "--coordinator",
            envvar="JAX_COORDINATOR_ADDRESS",
            help="Multi-host: HOST:PORT of process 0 (or JAX_COORDINATOR_ADDRESS).",
        ),
        click.option(
            "--num-processes",
            type=int,
            envvar="JAX_NUM_PROCESSES",
            help="Multi-host: how many processes (or JAX_NUM_PROCESSES).",
        ),
        click.option(
            "--process-id",
            type=int,
            envvar="JAX_PROCESS_ID",
            help="Multi-host: this process's id, 0 to N-1 (or JAX_PROCESS_ID).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _apply_flags(config, overrides: tuple[str, ...], **flags):
    """`config` with every given flag (dotted config key -> value; None: not given) and the
    --set pairs applied, --set last."""
    values = {k: v for k, v in flags.items() if v is not None}
    values.update(_pairs(overrides, "--set"))
    return config.with_overrides(values)


def _run_training(config, out, devices, coordinator, num_processes, process_id) -> None:
    """Join a multi-host run if asked, train, print the test report."""
    if coordinator or num_processes:
        from textnn.train.parallel import initialize_distributed

        initialize_distributed(coordinator, num_processes, process_id)
    from textnn.evaluate import format_report
    from textnn.pipeline import train as train_run

    result = train_run(config, out, echo=click.echo, devices=devices)
    if result.report is not None:
        click.echo(format_report(result.report))
    click.echo(f"run written to {out} in {result.seconds:.0f} s")


@main.command()
@click.option(
    "--preset",
    type=click.Choice(list(PRESETS)),
    help="Start from a classic set-up (`textnn presets` says what each reproduces); the "
    "config file and flags override it.",
)
@click.option("--model", help="Model name (textnn models).")
@click.option("--embeddings", help="Pretrained vectors: glove-6b-50d, a file, or none.")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    help="A TOML or JSON config; it may give only what it changes. Flags override it.",
)
@click.option("--max-length", type=int, help="Tokens kept per text (longer texts are cut).")
@click.option("--tokenizer", type=click.Choice(TOKENIZERS), help="How texts become tokens.")
@click.option(
    "--teacher",
    type=click.Path(),
    help="Pseudo-labelling: a trained run that labels unlabelled texts (imdb: --set "
    "data.options.unlabeled=true; yours: --set data.unlabeled=FILE, one text per line); "
    "they join the training split.",
)
@_shared_run_options
def train(
    preset, model, embeddings, config_file, max_length, tokenizer, teacher, overrides, out, **flags
) -> None:
    """Train a classifier and write a run directory (config, vocabulary, parameters, metrics,
    and the test report when there is a test split).

    \b
    Examples:
      textnn train --data imdb --model textcnn --embeddings glove-6b-50d --epochs 3 --out runs/imdb
      textnn train --preset d2l-textcnn-imdb --out runs/d2l-cnn
      textnn train --preset course-cnn-uci --epochs 20 --out runs/uci-cnn
      textnn train --data reviews.csv --set data.options.text_column=review --out runs/mine
      textnn train --config my.toml --epochs 10 --out runs/long
      textnn train --data reviews.csv --set train.patience=2 --set train.refit=true \\
          --out runs/final   # epochs chosen on validation, then trained on all the data
      textnn train --data imdb --model textcnn --teacher runs/nbsvm \\
          --set data.options.unlabeled=true --out runs/imdb-self-trained
      XLA_FLAGS=--xla_force_host_platform_device_count=2 textnn train ... --devices 2

    \b
    Two hosts (run on each, with its own --process-id; every host reads the same data):
      textnn train --preset d2l-textcnn-imdb --out runs/d2l --devices all \\
          --coordinator host0:1234 --num-processes 2 --process-id 0
    """
    from textnn.config import RunConfig

    config = PRESETS[preset].config() if preset else RunConfig()
    if config_file:
        config = RunConfig.load(config_file, base=config)
    if embeddings is not None and embeddings.lower() == "none":
        config, embeddings = config.with_overrides({"embeddings": None}), None
    config = _apply_flags(
        config,
        overrides,
        **{
            "data.name": flags.pop("data"),
            "model": model,
            "embeddings": embeddings,
            "train.epochs": flags.pop("epochs"),
            "train.seed": flags.pop("seed"),
            "train.batch_size": flags.pop("batch_size"),
            "train.learning_rate": flags.pop("lr"),
            "text.max_length": max_length,
            "text.tokenizer": tokenizer,
            "teacher": teacher,
        },
    )
    _run_training(config, out, **flags)


@main.command()
@click.argument("run_dir", type=click.Path())
@click.option(
    "--freeze",
    type=click.Choice(["encoder", "embeddings", "none"]),
    default="encoder",
    show_default=True,
    help="What stays as trained: the whole encoder (train the new head only), the embedding "
    "tables only, or nothing.",
)
@click.option(
    "--extend-vocab",
    is_flag=True,
    help="Add the new training data's words that the run's vocabulary lacks, with their "
    "pretrained vectors, instead of reading them all as <unk>.",
)
@_shared_run_options
def finetune(run_dir, freeze, extend_vocab, overrides, out, **flags) -> None:
    """Transfer learning: start from a trained run, keep its tokenizer, vocabulary, embeddings
    and encoder, put a new classification head on it for the new data's classes (any number),
    and train the head only (--freeze encoder) or more of it. The learning rate defaults to
    1e-3 for the head alone and to 1e-4 when more than the head learns. With --extend-vocab,
    words new to the run join its vocabulary (product names, say, in reviews of another kind).

    \b
    Examples:
      textnn finetune runs/imdb --data uci_sentences --out runs/uci-from-imdb
      textnn finetune runs/imdb --data reviews.csv --freeze none --epochs 3 --out runs/mine
    """
    from textnn.config import DataConfig, RunConfig, TrainConfig

    if not flags["data"]:
        raise click.UsageError("give --data: the dataset to fine-tune on")
    source = RunConfig.load(Path(run_dir) / "config.json")
    lr = flags.pop("lr") or (1e-3 if freeze == "encoder" else 1e-4)
    config = RunConfig(
        data=DataConfig(),
        text=source.text,
        model=source.model,
        model_options=source.model_options,
        embeddings=source.embeddings,
        init=str(run_dir),
        extend_vocab=extend_vocab,
        train=TrainConfig(freeze=freeze, learning_rate=lr, batch_size=source.train.batch_size),
    )
    config = _apply_flags(
        config,
        overrides,
        **{
            "data.name": flags.pop("data"),
            "train.epochs": flags.pop("epochs"),
            "train.seed": flags.pop("seed"),
            "train.batch_size": flags.pop("batch_size"),
        },
    )
    _run_training(config, out, **flags)


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
    from textnn.skipgram import SkipgramConfig, texts_to_learn_from, train_and_write
    from textnn.text.tokenize import Tokenizer

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


@main.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per preset.")
def presets(as_json: bool) -> None:
    """List the presets: classic set-ups by name, what each reproduces, and its settings.

    \b
    Examples:
      textnn presets
      textnn train --preset d2l-textcnn-imdb --out runs/d2l-cnn
    """
    import textwrap

    from textnn.presets import PRESETS

    for preset in PRESETS.values():
        if as_json:
            record = {"name": preset.name, "source": preset.source, "settings": preset.settings}
            click.echo(json.dumps(record))
            continue
        click.secho(preset.name, bold=True)
        click.echo(textwrap.fill(preset.source, 88, initial_indent="  ", subsequent_indent="  "))
        settings = " ".join(f"{k}={json.dumps(v)}" for k, v in preset.settings.items())
        click.echo(textwrap.fill(settings, 88, initial_indent="  ", subsequent_indent="    "))
        click.echo()


VOTE_WITH = click.option(
    "--vote-with",
    "vote_with",
    multiple=True,
    type=click.Path(),
    help="Another trained run (repeat for more): use the mean of all the runs' class"
    " probabilities (a soft vote), e.g. an nbsvm run with a textcnn run.",
)


VOTED_FIGURES = ("confusion", "per-class")  # the figures of test results, which a vote has


def _predictor(run_dir, vote_with):
    """The run's Predictor, or with `vote_with` the Ensemble of it and those runs."""
    if not vote_with:
        from textnn.run import load

        return load(run_dir)
    from textnn.ensemble import load_ensemble

    return load_ensemble([run_dir, *vote_with])


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
    from textnn.evaluate import format_report
    from textnn.pipeline import evaluate_run

    predictor = _predictor(run_dir, vote_with)
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

    from textnn.data.readers import iter_column, iter_lines

    if not texts and not file:
        raise click.UsageError("give texts as arguments or --file")
    predictor = _predictor(run_dir, vote_with)
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
    from textnn.explain import explain as explain_text

    result = explain_text(
        _predictor(run_dir, vote_with),
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
@VOTE_WITH
def plot(kind, run_dir, out, split, words, vectors, data, max_length, tokenizer, vote_with) -> None:
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
      textnn plot confusion runs/imdb-textcnn --vote-with runs/imdb-nbsvm --out vote.png
    """
    from textnn import plots
    from textnn.report import RunView, dataset_lengths, pretrained_map
    from textnn.text import Tokenizer

    word_list = words.split() if words else plots.CAPITALS
    if vote_with and kind not in VOTED_FIGURES:
        raise click.UsageError(
            f"--vote-with draws {' or '.join(VOTED_FIGURES)} (test results); {kind} is one run's"
        )
    if kind == "embeddings" and vectors:
        figure = pretrained_map(vectors, word_list)
    elif kind == "lengths" and data:
        figure = dataset_lengths(data, split, Tokenizer(tokenizer), max_length)
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
    from textnn.report import write_report

    path = write_report(
        run_dir, out, explanations=explanations, num_samples=num_samples, vote_with=vote_with
    )
    click.echo(f"wrote {path}")


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
        from textnn.run import load

        model = load(run_dir).model
        click.echo(f"config: {json.dumps(model.config.to_dict())}")
        click.echo(describe_model(model))
        return
    values = _pairs(overrides, "--set")
    try:
        model = build_model(model_name, vocab_size=vocab_size, num_classes=classes, **values)
    except (ValueError, TypeError) as err:
        raise click.UsageError(str(err)) from None
    click.echo(f"config: {json.dumps(model.config.to_dict())}")
    click.echo(describe_model(model))


if __name__ == "__main__":
    main()

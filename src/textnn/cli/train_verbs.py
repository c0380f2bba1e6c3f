"""`textnn train`, `textnn finetune` and `textnn presets`: each parses its flags into a
RunConfig and calls `runs.pipeline.train`."""

from __future__ import annotations

import json
import sys

import click

from textnn.cli.main import main
from textnn.cli.options import YOUR_DATA, key_values, reader_option_flags, reader_settings
from textnn.config.presets import PRESETS
from textnn.text.tokenize import TOKENIZERS


def _shared_run_options(command):
    """The options that `train` and `finetune` share, in one place."""
    options = [
        click.option(
            "--data", help="Built-in dataset (textnn datasets) or a path to your data (below)."
        ),
        click.option(
            "--test",
            type=click.Path(),
            help="A test file of your own, read as --data is (else 10% of train is held out).",
        ),
        click.option(
            "--epochs",
            type=int,
            help="Training epochs (default: chosen from the data's size, with early stopping).",
        ),
        click.option(
            "--out", type=click.Path(file_okay=False), help="Run directory to write (required)."
        ),
        click.option(
            "--overwrite",
            is_flag=True,
            help="Replace the run in --out (an --out that holds anything is refused otherwise).",
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
    return reader_option_flags(command)


def _apply_flags(config, overrides: tuple[str, ...], data_flags: dict, **flags):
    """`config` with every given flag (dotted config key -> value; None: not given), the
    reader options of --encoding and --option, and the --set pairs applied, --set last."""
    values = {k: v for k, v in flags.items() if v is not None}
    if data_flags["test"] is not None:
        values["data.test"] = data_flags["test"]
    reader = reader_settings(data_flags["encoding"], data_flags["reader_options"])
    if reader:
        values["data.options"] = {**config.data.options, **reader}
    values.update(key_values(overrides, "--set"))
    return config.with_overrides(values)


def _data_flags(flags: dict) -> dict:
    """Takes --test, --encoding and --option out of `flags`."""
    return {name: flags.pop(name) for name in ("test", "encoding", "reader_options")}


def _run_training(
    config, out, overwrite, devices, coordinator, num_processes, process_id, resume=False
) -> None:
    """Join a multi-host run if asked, train (or with `resume` go on with the run in `out`;
    Ctrl-C or SIGTERM: stop cleanly, after a checkpoint), print the test report."""
    if out is None:
        raise click.UsageError("give --out DIR: the run directory to write")
    if coordinator or num_processes:
        from textnn.train.parallel import initialize_distributed

        initialize_distributed(coordinator, num_processes, process_id)
    from textnn.runs.evaluate import format_report
    from textnn.runs.pipeline import resume as resume_run
    from textnn.runs.pipeline import train as train_run
    from textnn.train.signals import Interrupted, stop_on_signals

    try:
        with stop_on_signals() as stop:
            if resume:
                result = resume_run(out, echo=click.echo, devices=devices, stop=stop)
            else:
                result = train_run(
                    config, out, echo=click.echo, devices=devices, overwrite=overwrite, stop=stop
                )
    except Interrupted as err:
        saved = "a checkpoint was saved" in str(err)
        click.echo(
            f"{err}. {out} holds the best epoch so far, marked unfinished; "
            + (
                f"to go on: textnn train --resume {out}"
                if saved
                else "to train again: the same command with --overwrite"
            ),
            err=True,
        )
        sys.exit(130)
    if result.report is not None:
        click.echo(format_report(result.report))
    click.echo(f"run written to {out} in {result.seconds:.0f} s")


@main.command(epilog=YOUR_DATA)
@click.option(
    "--preset",
    type=click.Choice(list(PRESETS)),
    help="Start from a classic set-up (`textnn presets` says what each reproduces); the "
    "config file and flags override it.",
)
@click.option(
    "--model",
    help="Model name (textnn models); default auto: chosen from the data (nbsvm, fitted with "
    "and without weight decay, the better on validation kept, unless --set "
    "train.weight_decay=X or --teacher; on small data also a textcnn and a bilstm over "
    "--embeddings, answering with the vote of them and both nbsvm fits unless a vote grown "
    "from nbsvm (it alone, or it and some of them) is clearly better on validation), and the "
    "run says what it chose (textnn autotune "
    "searches every family).",
)
@click.option("--embeddings", help="Pretrained vectors: glove-6b-50d, a file, or none.")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    help="A TOML or JSON config; it may give only what it changes. Flags override it.",
)
@click.option(
    "--max-length",
    type=int,
    help="Tokens kept per text; longer texts are cut (default: whole texts for nbsvm, up to "
    "20,000 tokens; for a network, 95% of the training texts fit).",
)
@click.option("--tokenizer", type=click.Choice(TOKENIZERS), help="How texts become tokens.")
@click.option(
    "--resume",
    "resume_dir",
    type=click.Path(file_okay=False),
    help="Go on with the stopped training in this run directory, from its newest checkpoint, "
    "to the result an unstopped run gives (no other settings: the run's own are used).",
)
@click.option(
    "--teacher",
    type=click.Path(),
    help="Pseudo-labelling: a trained run that labels unlabelled texts (imdb: --set "
    "data.options.unlabeled=true; yours: --set data.unlabeled=FILE, one text per line); "
    "they join the training split.",
)
@_shared_run_options
def train(
    preset,
    model,
    embeddings,
    config_file,
    max_length,
    tokenizer,
    resume_dir,
    teacher,
    overrides,
    out,
    **flags,
) -> None:
    """Train a classifier and write a run directory (config, vocabulary, parameters, metrics,
    and the test report when there is a test split).

    \b
    Examples:
      textnn train --data imdb --model textcnn --embeddings glove-6b-50d --epochs 3 --out runs/imdb
      textnn train --preset d2l-textcnn-imdb --out runs/d2l-cnn
      textnn train --preset course-cnn-uci --epochs 20 --out runs/uci-cnn
      textnn train --data reviews.csv --option text_column=review --out runs/mine
      textnn train --data questions.txt --option format=label-text --test test.txt --out runs/q
      textnn train --data reviews-latin1.tsv --encoding latin-1 --out runs/mine
      textnn train --config my.toml --epochs 10 --out runs/long
      textnn train --data reviews.csv --set train.patience=2 --set train.refit=true \\
          --out runs/final   # epochs chosen on validation, then trained on all the data
      textnn train --data imdb --model textcnn --teacher runs/nbsvm \\
          --set data.options.unlabeled=true --out runs/imdb-self-trained
      XLA_FLAGS=--xla_force_host_platform_device_count=2 textnn train ... --devices 2
      textnn train --resume runs/imdb   # after a crash, Ctrl-C or a kill: go on from the
                                        # newest checkpoint (saved each epoch and every 5 min)

    \b
    Two hosts (run on each, with its own --process-id; every host reads the same data):
      textnn train --preset d2l-textcnn-imdb --out runs/d2l --devices all \\
          --coordinator host0:1234 --num-processes 2 --process-id 0
    """
    from textnn.config import RunConfig

    if resume_dir is not None:
        given = [preset, model, embeddings, config_file, max_length, tokenizer, teacher, out]
        given += [overrides, flags["data"], flags["test"], flags["reader_options"]]
        given += [flags[k] for k in ("epochs", "seed", "batch_size", "lr", "encoding")]
        if any(given) or flags["overwrite"]:
            raise click.UsageError(
                "--resume takes no other settings: the run goes on with its own (devices and "
                "multi-host flags aside)"
            )
        for name in ("data", "test", "reader_options", "epochs", "seed", "batch_size", "lr"):
            flags.pop(name)
        flags.pop("encoding")
        _run_training(None, resume_dir, resume=True, **flags)
        return
    config = PRESETS[preset].config() if preset else RunConfig()
    if config_file:
        config = RunConfig.load(config_file, base=config)
    config = _apply_flags(
        config,
        overrides,
        _data_flags(flags),
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


@main.command(epilog=YOUR_DATA)
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
    from textnn.runs.transfer import finetune_config

    if not flags["data"]:
        raise click.UsageError("give --data: the dataset to fine-tune on")
    config = finetune_config(
        run_dir, freeze=freeze, extend_vocab=extend_vocab, learning_rate=flags.pop("lr")
    )
    config = _apply_flags(
        config,
        overrides,
        _data_flags(flags),
        **{
            "data.name": flags.pop("data"),
            "train.epochs": flags.pop("epochs"),
            "train.seed": flags.pop("seed"),
            "train.batch_size": flags.pop("batch_size"),
        },
    )
    _run_training(config, out, **flags)


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

    from textnn.config.presets import PRESETS

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

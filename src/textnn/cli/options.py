"""What several verbs parse the same way: `--set KEY=VALUE` pairs and `--vote-with` runs."""

from __future__ import annotations

import json

import click


def parse_value(raw: str):
    """A --set value: JSON when it parses (numbers, lists, true, null), else the bare string."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw


def key_values(items: tuple[str, ...], option: str) -> dict:
    values = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep:
            raise click.BadParameter(f"expected KEY=VALUE, got {item!r}", param_hint=option)
        values[key.strip()] = parse_value(raw)
    return values


VOTE_WITH = click.option(
    "--vote-with",
    "vote_with",
    multiple=True,
    type=click.Path(),
    help="Another trained run (repeat for more): use the mean of all the runs' class"
    " probabilities (a soft vote), e.g. an nbsvm run with a textcnn run.",
)


def predictor_or_vote(run_dir, vote_with):
    """The run's Predictor, or the Ensemble of it and the runs of its own vote (an autotuned
    run's) and of `vote_with`."""
    from textnn.runs.ensemble import load_outputs

    return load_outputs(run_dir, vote_with)


# The reader options of every format, for the help of each verb that reads your data
# (tests/cli check that every option of every reader is named here).
YOUR_DATA = """\b
Your own data (--data FILE or FOLDER; the format follows the extension, or --option format=F):
  csv, tsv        a header row; --option text_column=review --option label_column=stars
                  (names or 0-based numbers; several text columns: text_column='["title","body"]'),
                  delimiter=';', header=false, joiner=' '
  jsonl           one object a line; text_field=review label_field=stars joiner=' '
  fasttext        `__label__pos a fine film` lines (.txt with __label__); label_prefix=__label__
  label-text      a label, a separator, the text: `NUM:dist How far is it ...`;
                  separator=' ' (the first one splits), label_prefix=''
  text-tab-label  `text<TAB>label` lines (other .txt files); sep (default a tab; the last
                  one splits)
  folder          a folder per class, a file per example; pattern='*' (hidden files skipped),
                  exclude='["unsup"]'; train/ and test/ (or X-train/, X-test/) hold the two splits
  several labels  (multi-label) fasttext: several __label__ tags a line; jsonl: a list;
                  csv, tsv, label-text, text-tab-label: label_separator='|' splits the label;
                  allow_no_label=true keeps texts with none
  values          JSON where they parse (numbers, true, lists), else the plain string
  every format    encoding=utf-8 (or --encoding latin-1), on_error=raise (or skip: bad
                  examples are left out and counted), format=csv|tsv|jsonl|fasttext|
                  label-text|text-tab-label|folder
  --test FILE     a test split of your own, in the same format (else 10% of train is held out)
  textnn inspect FILE [--option ...] shows what will be read, before any training.
"""


def reader_option_flags(command):
    """--encoding, --option KEY=VALUE (any reader option) and --test FILE: how a verb reads
    your data."""
    options = [
        click.option(
            "--encoding", help="The data files' text encoding (default utf-8), e.g. latin-1."
        ),
        click.option(
            "--option",
            "reader_options",
            multiple=True,
            metavar="KEY=VALUE",
            help="A reader option for your data files, e.g. --option text_column=review "
            "(see 'Your own data' below).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def reader_settings(encoding: str | None, reader_options: tuple[str, ...]) -> dict:
    """The reader options that --encoding and --option give."""
    values = key_values(reader_options, "--option")
    if encoding is not None:
        values["encoding"] = encoding
    return values

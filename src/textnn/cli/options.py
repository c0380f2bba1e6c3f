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
    """The run's Predictor, or with `vote_with` the Ensemble of it and those runs."""
    if not vote_with:
        from textnn.runs.directory import load

        return load(run_dir)
    from textnn.runs.ensemble import load_ensemble

    return load_ensemble([run_dir, *vote_with])

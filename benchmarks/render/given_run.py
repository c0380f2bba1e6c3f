"""The section on autotune from a trained run the user gives (`bench_given_vectors.py --init`),
beside autotune with its defaults (bench_autotune.py) and Kim 2014's CNN. Starting from a run
trained on other labelled data is transfer, which Kim's CNN did not have: the section and its
scorecard line say so, and the scorecard keeps the defaults' line for his target."""

from __future__ import annotations

from keys import load

from render.basics import machine_line
from render.given_vectors import beside_default, differences, kim_line


def described(run: dict) -> str:
    """The run given, in words, from what the results recorded of it."""
    texts = (
        "the sentences of IMDb's labelled training reviews, each labelled as its review"
        if run["data"] == "imdb" and run["sentences"]
        else f"`{run['data']}`'s labelled training texts"
    )
    return (
        f"`runs/{run['run']}`, a {run['model']} trained on {texts} (word vectors: "
        f"{run['embeddings'] or 'none'}; parameters sha256 {run['sha256'][:12]}...)"
    )


def with_bilstm(chosen: list[str]) -> int:
    """How many of the splits' answers held a bilstm."""
    return sum("bilstm" in answer for answer in chosen)


def given_run(data: dict) -> list[str]:
    default = load("autotune") or {"datasets": {}}
    lines = [
        "### Autotune from a run you give (`benchmarks/bench_given_vectors.py --init`)",
        "",
        machine_line(data),
        "",
        "`textnn autotune --init RUN` also fine-tunes RUN's network on your data (its "
        "vocabulary grown with your words, a new head for your classes). Its first fine-tuning "
        "trial takes the place of its family's first trial, so the search's default answer, "
        "the vote of its first trials, holds it. Here RUN is "
        f"{described(data['init'])}. That is transfer from other labelled data: Kim 2014's "
        "CNN had none (his word2vec vectors were learnt without labels), so these rows are not "
        "his protocol, and the scorecard keeps the autotune section's row for his target. "
        "Same splits, budget and protocol as the autotune section (10 folds, 60 s a fold); "
        "the defaults' column is that section's autotune row (its mean over all the splits "
        "it finished), measured in another run.",
        "",
        "| dataset | autotune (defaults) | autotune (from this run) | std | seconds | "
        "published | gap |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        *beside_default(data, default),
    ]
    measured = {n: default["datasets"][n] for n in data["datasets"] if n in default["datasets"]}
    if measured:
        lines += [
            "",
            "Against the defaults: "
            + differences(data, measured)
            + " points. The run's sentences are movie reviews, labelled by their review's "
            "polarity: MR's Rotten Tomatoes snippets are text and labels of that kind; CR's "
            "product reviews, MPQA's news phrases and Subj's subjective or objective sentences "
            "are not. Folds whose answer held a bilstm, defaults against this run: "
            + ", ".join(
                f"{n} {with_bilstm(r['summary']['autotune']['chosen'])} against "
                f"{with_bilstm(data['datasets'][n]['chosen'])}"
                for n, r in measured.items()
            )
            + ".",
        ]
    lines.append("")
    return lines


def given_run_target(data: dict | None) -> list[tuple[str, str, str]]:
    """The scorecard's line for Kim's CNN with a run given to start from."""
    if not data or not data["datasets"]:
        return []
    kim = kim_line(
        data,
        f"starting from `runs/{data['init']['run']}` (`--init`: transfer from "
        f"`{data['init']['data']}`'s labels, which Kim's CNN did not have)",
        "the section on a run you give",
    )
    return [kim] if kim else []

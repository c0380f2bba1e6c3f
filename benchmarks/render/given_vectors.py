"""The section on autotune with vectors the user gives (bench_given_vectors.py), beside
autotune with its default GloVe 50d (bench_autotune.py) and Kim 2014's CNN."""

from __future__ import annotations

from keys import load

from render.autotune import (
    IMDB_TARGET,
    KIM,
    MESNIL,
    PLAIN_VOTE_SINCE,
    WANT,
    WHOLE_TEXTS_SINCE,
    autotune_mean,
    counted,
)
from render.basics import machine_line


def described(vectors: dict) -> str:
    """The vectors file in words, from the record `textnn vectors` wrote beside it."""
    record = vectors.get("record") or {}
    settings = record.get("skipgram", {})
    if not settings:
        return f"`{vectors['file']}` (sha256 {vectors['sha256'][:12]}...)"
    return (
        f"`{vectors['file']}` ({settings['dim']}-d skip-gram vectors of {record['words']:,} "
        f"words, learnt from {record['texts']:,} texts by `textnn vectors`: window "
        f"{settings['window']}, {settings['epochs']} epochs, min count {settings['min_count']}; "
        f"sha256 {vectors['sha256'][:12]}...)"
    )


# What the Makefile's IMDb vectors are, said where the results are of them.
IMDB_VECTORS = (
    ": the Makefile's `runs/imdb-skipgram-100d.txt`, from IMDb's 75,000 training and "
    "unlabelled reviews, no labels and no text of these datasets. Kim 2014's vectors were "
    "300-d word2vec from about 100 billion words of news; these come from about 20 million "
    "words of movie reviews, text of MR's kind (MR and Subj's subjective half are Rotten "
    "Tomatoes snippets; CR is product reviews, MPQA news phrases). On IMDb they are its own "
    "unlabelled and training text, which the issue lets a run use."
)


def published(name: str) -> tuple[str, float]:
    """The published figure a dataset's row is held to: Kim 2014's CNN, or for IMDb Mesnil et
    al. 2014's ensemble."""
    return ("Mesnil 2014", MESNIL) if name == "imdb" else ("Kim 2014", KIM[name])


def learnt_from(vectors: dict) -> str | None:
    """The dataset the vectors were learnt from, as `textnn vectors` recorded it."""
    return (vectors.get("record") or {}).get("data")


def spread(result: dict) -> str:
    """The std over a dataset's splits, or "-" for one split (IMDb's official one)."""
    return f"{result['std']:.4f}" if len(result["folds"]) > 1 else "-"


def given_vectors(data: dict) -> list[str]:
    default = load("autotune") or {"datasets": {}}
    lines = [
        "### Autotune with vectors you give (`benchmarks/bench_given_vectors.py`)",
        "",
        machine_line(data),
        "",
        "`textnn autotune --embeddings FILE` starts its textcnn and bilstm trials from your "
        "vectors instead of GloVe 6B 50d (the search still tries none and skip-gram vectors "
        f"of the training text). Here FILE is {described(data['vectors'])}"
        + (IMDB_VECTORS if learnt_from(data["vectors"]) == "imdb" else ".")
        + " Same splits, budget and protocol as the autotune section (10 folds, 60 s a "
        "fold; IMDb: its official split, 10 minutes); the GloVe column is that section's "
        "autotune row (its mean over all the splits it finished), measured in another run.",
        "",
        "| dataset | autotune (GloVe 50d) | autotune (these vectors) | std | seconds | "
        "published | gap |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += beside_default(data, default)
    measured = {n: default["datasets"][n] for n in data["datasets"] if n in default["datasets"]}
    if measured:
        lines += [
            "",
            "Against GloVe 50d: "
            + differences(data, measured)
            + " points"
            + predates(data, measured)
            + ". In a 60-second search the answer is mostly the vote of the two nbsvm fits "
            "and the textcnn (the bilstm seldom finishes in time), so the vectors change one "
            "voter of three; vectors of another kind of text (CR's products, MPQA's news) "
            "did no better than GloVe's Wikipedia and news here.",
        ]
    lines += imdb_lines(data, default["datasets"].get("imdb"))
    lines.append("")
    return lines


def predates(data: dict, measured: dict) -> str:
    """Which GloVe rows (bench_autotune's, `measured`) predate a change to autotune that the
    rows of `data` have: its plain vote rule, then nbsvm's whole texts."""
    notes = []
    for since, change in (
        (PLAIN_VOTE_SINCE, "autotune's plain vote rule"),
        (WHOLE_TEXTS_SINCE, "nbsvm's whole texts"),
    ):
        older = [n for n, r in measured.items() if r["date"] < since <= data["datasets"][n]["date"]]
        if older:
            notes.append(f"{', '.join(older)}: the GloVe row predates {change}, {since}")
    return f" ({'; '.join(notes)})" if notes else ""


def beside_default(data: dict, default: dict) -> list[str]:
    """The table's rows, each dataset's result beside autotune's with its defaults (`default`:
    bench_autotune's results), then what each dataset's splits chose."""
    lines = []
    for name, result in data["datasets"].items():
        plain = default["datasets"].get(name)
        shown = f"{autotune_mean(plain):.4f}" if plain else "-"
        source, figure = published(name)
        lines.append(
            f"| {name} | {shown} | {result['mean']:.4f} | {spread(result)} | "
            f"{result['seconds']:.1f} | {figure} ({source}) | "
            f"{100 * result['mean'] - figure:+.2f} |"
        )
    lines.append("")
    for name, result in data["datasets"].items():
        lines.append(
            f"{name} ({result['protocol']}, {result['date']}): chosen {counted(result['chosen'])}."
        )
    return lines


def differences(data: dict, measured: dict) -> str:
    """ "mr +0.1, cr -0.4": each dataset's mean against autotune's with its defaults."""
    return ", ".join(
        f"{n} {100 * (data['datasets'][n]['mean'] - autotune_mean(r)):+.1f}"
        for n, r in measured.items()
    )


def kim_line(data: dict, given: str, where: str) -> tuple[str, str, str] | None:
    """The scorecard's line for Kim's CNN, measured with `given` (words for the scorecard)."""
    gaps = {n: 100 * r["mean"] - KIM[n] for n, r in data["datasets"].items() if n in KIM}
    if not gaps:
        return None
    missing = [n for n in KIM if n not in gaps]
    met = min(gaps.values()) >= -WANT["kim_within_points"] and not missing
    return (
        f"autotune within {WANT['kim_within_points']} point of Kim 2014's best CNN, {given}",
        ", ".join(f"{n} {d:+.2f}" for n, d in gaps.items())
        + (f" ({', '.join(missing)}: not measured)" if missing else "")
        + f" ({where})",
        "met" if met else "**NOT met**",
    )


def imdb_lines(data: dict, glove: dict | None) -> list[str]:
    """What the search on IMDb answered with, with these vectors and with GloVe's."""
    ours = data["datasets"].get("imdb")
    if not ours:
        return []
    row = ours["folds"][0]
    said = (
        f"On IMDb (one search of 10 minutes) it answered with {row['chosen']} (validation "
        f"{row['validation']:.4f}; {row['refitted']} of them refitted on all the training "
        f"texts in the time left; {row['trials']} trials)"
    )
    if glove:
        theirs = glove["folds"][0]["autotune"]
        said += (
            f"; with GloVe 50d, {theirs['chosen']} (validation {theirs['validation']:.4f}; "
            f"{theirs['refitted']} refitted; {theirs['trials']} trials; measured "
            f"{glove['date']})"
        )
    seconds = (data["vectors"].get("record") or {}).get("train_seconds")
    if seconds:
        said += f". The vectors took {seconds:.0f} s to learn, once, outside the budget"
    return ["", said + "."]


def given_vectors_target(data: dict | None) -> list[tuple[str, str, str]]:
    """The targets measured with the vectors given: the scorecard's lines for IMDb past
    Mesnil et al.'s ensemble and for Kim's CNN, where the results have those datasets."""
    if not data or not data["datasets"]:
        return []
    lines = []
    imdb = data["datasets"].get("imdb")
    if imdb:
        lines.append(
            (
                f"IMDb: autotune past {MESNIL} (Mesnil et al. 2014's ensemble; the issue aims "
                f"past 92.6, beyond its target {IMDB_TARGET}), given vectors learnt from its "
                "own training and unlabelled reviews (`--embeddings`)",
                f"{imdb['mean']:.4f} ({100 * imdb['mean'] - MESNIL:+.2f} points; chose "
                f"{', '.join(imdb['chosen'])})",
                "met" if 100 * imdb["mean"] > MESNIL else "**NOT met**",
            )
        )
    kim = kim_line(
        data,
        f"given vectors learnt from `{learnt_from(data['vectors']) or data['vectors']['file']}` "
        "(`--embeddings`)",
        "the section on vectors you give",
    )
    return lines + ([kim] if kim else [])

"""Every format textnn reads, by name: the reader of each, the options each takes (checked, with
close names suggested), and the format guessed from a path."""

from __future__ import annotations

import inspect
from pathlib import Path

from textnn.data.folders import read_folder
from textnn.data.readers import (
    RawExamples,
    read_delimited,
    read_fasttext,
    read_jsonl,
    read_label_text,
    read_text_tab_label,
)
from textnn.data.text_files import check_encoding
from textnn.errors import DataError, suggest

FORMATS = ("csv", "tsv", "jsonl", "fasttext", "label-text", "text-tab-label", "folder")


def guess_format(path: Path, encoding: str = "utf-8") -> str:
    """The reader for a path, from what it is and its extension."""
    if path.is_dir():
        return "folder"
    suffix = path.suffix.lower()
    if suffix == ".jsonl" or suffix == ".ndjson":
        return "jsonl"
    if suffix in (".tsv", ".tab"):
        return "tsv"
    if suffix == ".csv":
        return "csv"
    if suffix in (".txt", ".ft", ".fasttext"):
        with open(path, "rb") as f:  # the head alone: a bad byte later is the reader's to name
            head = f.read(4096).decode(check_encoding(encoding), errors="replace")
        return "fasttext" if "__label__" in head else "text-tab-label"
    raise DataError(
        f"cannot tell the format from the extension {suffix!r}; pass format= one of "
        f"{', '.join(FORMATS)}",
        path=path,
    )


READERS = {
    "csv": read_delimited,
    "tsv": read_delimited,
    "jsonl": read_jsonl,
    "fasttext": read_fasttext,
    "label-text": read_label_text,
    "text-tab-label": read_text_tab_label,
    "folder": read_folder,
}


def reader_options(format: str) -> list[str]:
    """The options the reader of `format` takes (what `data.options` may hold for it)."""
    signature = inspect.signature(READERS[format])
    return sorted(n for n, p in signature.parameters.items() if p.kind is p.KEYWORD_ONLY)


def check_options(format: str, options: dict, path: Path | None = None) -> None:
    """A DataError naming an option the reader of `format` does not take, and the close ones."""
    if format not in READERS:
        raise DataError(
            f"unknown format {format!r}{suggest(format, READERS)} Choose one of "
            f"{', '.join(FORMATS)}",
            path=path,
            field="format",
        )
    known = reader_options(format)
    for name in options:
        if name not in known:
            raise DataError(
                f"unknown reader option {name!r} for {format} data{suggest(name, known)} The "
                f"{format} reader takes: {', '.join(known)} (in a run config: "
                "data.options.NAME)",
                path=path,
                field=name,
            )


def read(path: str | Path, format: str | None = None, **options) -> RawExamples:
    """Read any supported format; `format` defaults to a guess from the path. An option the
    format's reader does not take is a DataError that names the close ones."""
    path = Path(path).expanduser()
    if not path.exists():
        raise DataError("no such file or folder", path=path)
    format = format or guess_format(path, options.get("encoding", "utf-8"))
    check_options(format, options, path)
    if format in ("csv", "tsv"):
        options.setdefault("delimiter", "\t" if format == "tsv" else ",")
    return READERS[format](path, **options)

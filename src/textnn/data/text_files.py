"""Text files read with clear errors: a whole file, its lines (split on newlines only), one text
per line, or one column of a CSV/TSV file. Undecodable bytes and missing files raise DataError
naming the file and line."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Iterator
from pathlib import Path

from textnn.errors import DataError

Column = str | int


def check_encoding(encoding: str) -> str:
    """`encoding` if Python knows it; else a DataError naming the field and common choices."""
    try:
        codecs.lookup(encoding)
    except (LookupError, TypeError):
        raise DataError(
            f"unknown encoding {encoding!r}; use a name Python knows, for example utf-8, "
            "latin-1, cp1252 or utf-16",
            field="encoding",
        ) from None
    return encoding


def read_text(
    path: str | Path,
    encoding: str = "utf-8",
    on_undecodable: Callable[[int, str], None] | None = None,
) -> str:
    """A whole file as text. Undecodable bytes raise DataError naming the line; with
    `on_undecodable(line, reason)` each such line is reported to it and read as an empty line
    instead (so that later lines keep their numbers)."""
    path = Path(path)
    check_encoding(encoding)
    if not path.exists():
        raise DataError("no such file", path=path)
    if path.is_dir():
        raise DataError("is a folder, expected a file", path=path)
    data = path.read_bytes()
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        reason = (
            f"bytes {data[err.start : err.end]!r} cannot be decoded as {encoding}; pass the "
            "file's encoding (for example encoding='latin-1')"
        )
        if on_undecodable is None:
            raise DataError(reason, path=path, line=line) from None
    lines = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            lines.append(raw.decode(encoding))
        except UnicodeDecodeError as err:
            on_undecodable(
                number,
                f"bytes {raw[err.start : err.end]!r} cannot be decoded as "
                f"{encoding}; pass the file's encoding (for example encoding='latin-1')",
            )
            lines.append("")
    return "\n".join(lines)


def split_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) over '\\n'-separated lines, keeping other control characters.

    str.splitlines() would also break on characters such as U+0085 (NEL), which appear inside
    sentences of Latin-1 corpora like MR; files break lines on '\\n' (and '\\r\\n') only.
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        yield number, line.removesuffix("\r")


def _decoded_lines(path: Path, encoding: str) -> Iterator[tuple[int, str]]:
    """(line number, line with its newline) read lazily; bad bytes name their line."""
    check_encoding(encoding)
    if not path.exists():
        raise DataError("no such file", path=path)
    with open(path, "rb") as f:
        for number, raw in enumerate(f, start=1):
            try:
                yield number, raw.decode(encoding)
            except UnicodeDecodeError:
                raise DataError(
                    f"bytes cannot be decoded as {encoding}; pass the file's encoding",
                    path=path,
                    line=number,
                ) from None


def iter_lines(path: str | Path, encoding: str = "utf-8") -> Iterator[str]:
    """One text per line, read lazily (e.g. texts to predict). Blank lines raise DataError."""
    path = Path(path)
    for number, line in _decoded_lines(path, encoding):
        line = line.removesuffix("\n").removesuffix("\r")
        if not line.strip():
            raise DataError("line is empty or whitespace only", path=path, line=number)
        yield line


def read_lines(path: str | Path, encoding: str = "utf-8") -> list[str]:
    return list(iter_lines(path, encoding))


def iter_column(path: str | Path, column: str, encoding: str = "utf-8") -> Iterator[str]:
    """One column of a CSV/TSV file with a header, read lazily; empty cells raise DataError."""
    path = Path(path)
    delimiter = "\t" if path.suffix.lower() in (".tsv", ".tab") else ","
    reader = csv.reader((line for _, line in _decoded_lines(path, encoding)), delimiter=delimiter)
    header = [h.strip() for h in next(reader, [])]
    index = column_index(column, header or None, path, "text")
    start = reader.line_num + 1
    for row in reader:
        line, start = start, reader.line_num + 1
        if not row:
            continue
        if index >= len(row) or not row[index].strip():
            raise DataError("text is missing or empty", path=path, line=line, field=column)
        yield row[index]


def read_column(path: str | Path, column: str, encoding: str = "utf-8") -> list[str]:
    return list(iter_column(path, column, encoding))


def column_index(column: Column, header: list[str] | None, path: Path, what: str) -> int:
    if isinstance(column, int):
        return column
    if header is None:
        raise DataError(
            f"{what} column {column!r} is named, but the file has no header row; "
            "give the column's index instead",
            path=path,
        )
    if column not in header:
        raise DataError(f"no {what} column {column!r}; the header has {header}", path=path, line=1)
    return header.index(column)

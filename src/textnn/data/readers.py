"""Readers for the user's own data: CSV/TSV, JSONL, fastText lines, text<TAB>label lines, a folder
per class. Each returns `RawExamples` (texts, string labels, and where each came
from) so that later checks can still name the file and line of a bad example.

Bad input raises `DataError` naming the file, line (1-based) and field; with `on_error="skip"` the
bad example is left out and recorded in `RawExamples.skipped` instead. Nothing is dropped silently.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from textnn.data.text_files import Column, column_index, read_text, split_lines
from textnn.errors import DataError

OnError = Literal["raise", "skip"]

# Separators people write label lists with; a label holding one that was not given is an error.
LABEL_SEPARATORS = (",", ";", "|")


# A CSV field may hold a whole document: Python's csv module stops at 131,072 characters unless
# told otherwise (a C long bounds the limit on some platforms).
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass(frozen=True)
class Skipped:
    """One example left out under `on_error='skip'`, and why."""

    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        return f"{self.path}{'' if self.line is None else f':{self.line}'}: {self.reason}"


@dataclass
class RawExamples:
    """Texts with their labels as written in the file (strings), before labels become ids.

    `where[i]` is `(path, line)` of example i (line is None for one-file-per-example folders).
    A label is a string, or for multi-label data a tuple of strings (possibly empty when the
    reader was told `allow_no_label`).
    """

    texts: list[str] = field(default_factory=list)
    labels: list[str | tuple[str, ...]] = field(default_factory=list)
    where: list[tuple[str, int | None]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def multilabel(self) -> bool:
        """Whether any example carries a list of labels rather than one."""
        return any(isinstance(label, tuple) for label in self.labels)

    def extend(self, other: RawExamples) -> None:
        self.texts += other.texts
        self.labels += other.labels
        self.where += other.where
        self.skipped += other.skipped


class Collector:
    """Accumulates examples; turns a DataError into a skip record when asked to."""

    def __init__(
        self,
        path: Path,
        on_error: OnError,
        label_separator: str | None = None,
        allow_no_label: bool = False,
    ) -> None:
        if on_error not in ("raise", "skip"):
            raise ValueError(f"on_error must be 'raise' or 'skip', not {on_error!r}")
        if label_separator is not None and (
            not isinstance(label_separator, str) or not label_separator
        ):
            raise DataError("label_separator must be a non-empty string", field="label_separator")
        self.path, self.on_error, self.out = path, on_error, RawExamples()
        self.label_separator, self.allow_no_label = label_separator, allow_no_label

    def add(self, text: object, label: object, line: int | None, text_field: str = "text") -> None:
        """One example; `label` a string or integer, or a list of them (several labels: a
        multi-label example), or a string that `label_separator` splits into several."""
        if isinstance(label, (list, tuple)) or (
            self.label_separator is not None and isinstance(label, str)
        ):
            self.add_several(text, label, line, text_field)
            return
        try:
            self.check_text(text, line, text_field)
            if label is None or (isinstance(label, str) and not label.strip()):
                raise DataError("label is missing", path=self.path, line=line, field="label")
            self.check_label(label, line, "label")
        except DataError as err:
            self.fail(err)
            return
        self.keep(text, str(label).strip(), line)

    def keep(self, text: str, label: str | tuple[str, ...], line: int | None) -> None:
        self.out.texts.append(text)
        self.out.labels.append(label)
        self.out.where.append((str(self.path), line))

    def check_label(self, label: object, line: int | None, what: str) -> None:
        if not isinstance(label, (str, int)) or isinstance(label, bool):
            raise DataError(
                f"{what} must be a string or an integer, got {type(label).__name__}",
                path=self.path,
                line=line,
                field="label",
            )

    def add_several(
        self, text: object, labels: object, line: int | None, text_field: str = "text"
    ) -> None:
        """A multi-label example: a list of labels, or a string of them joined by the
        `label_separator`; an empty label, or none at all (unless `allow_no_label`), is an
        error naming the line."""
        try:
            self.check_text(text, line, text_field)
            if isinstance(labels, str):
                parts = [] if not labels.strip() else labels.split(self.label_separator)
            else:
                parts = list(labels)
            names = []
            for part in parts:
                self.check_label(part, line, "each label")
                name = str(part).strip()
                if not name:
                    raise DataError(
                        f"an empty label in {labels!r}", path=self.path, line=line, field="label"
                    )
                if isinstance(labels, str):
                    self.check_separator(name, line)
                names.append(name)
            if not names and not self.allow_no_label:
                raise DataError(
                    "the text has no label (to keep texts without labels in multi-label data, "
                    "pass allow_no_label=true)",
                    path=self.path,
                    line=line,
                    field="label",
                )
        except DataError as err:
            self.fail(err)
            return
        self.keep(text, tuple(dict.fromkeys(names)), line)  # a label said twice counts once

    def check_text(self, text: object, line: int | None, text_field: str) -> None:
        if not isinstance(text, str):
            raise DataError(
                f"text must be a string, got {type(text).__name__}",
                path=self.path,
                line=line,
                field=text_field,
            )
        if not text.strip():
            raise DataError(
                "text is empty or whitespace only", path=self.path, line=line, field=text_field
            )

    def check_separator(self, label: str, line: int | None) -> None:
        """A label holding another usual separator (`anger;joy` split on ',') is most often a
        list written with a separator other than the one given: say so rather than learn
        `anger;joy` as a class of its own."""
        for other in LABEL_SEPARATORS:
            if other != self.label_separator and other in label:
                raise DataError(
                    f"label {label!r} holds {other!r}: if it is a list of labels, pass "
                    f"label_separator={other!r}",
                    path=self.path,
                    line=line,
                    field="label",
                )

    def fail(self, err: DataError) -> None:
        if self.on_error == "raise":
            raise err
        self.out.skipped.append(Skipped(str(self.path), err.line, str(err).split(": ", 1)[-1]))

    def undecodable(self, line: int, reason: str) -> None:
        """A line whose bytes the encoding cannot read: an error, or skipped under 'skip'."""
        self.fail(DataError(reason, path=self.path, line=line))

    def text(self, encoding: str) -> str:
        """The file's text; an undecodable line is an error, or under 'skip' left out."""
        return read_text(self.path, encoding, self.undecodable)


def read_text_tab_label(
    path: str | Path,
    *,
    sep: str = "\t",
    label_separator: str | None = None,
    allow_no_label: bool = False,
    encoding: str = "utf-8",
    on_error: OnError = "raise",
) -> RawExamples:
    """`text<sep>label` lines, split on the LAST separator (so the text may contain it).

    This is the UCI Sentiment Labelled Sentences format; never parse those files as quoted CSV:
    `imdb_labelled.txt` holds stray double quotes.
    """
    path = Path(path)
    out = Collector(path, on_error, label_separator, allow_no_label)
    for number, line in split_lines(out.text(encoding)):
        if not line.strip():
            continue
        if sep not in line:
            out.fail(
                DataError(f"no {sep!r} separator between text and label", path=path, line=number)
            )
            continue
        text, label = line.rsplit(sep, 1)
        out.add(text.strip(), label, number)
    return out.out


def read_delimited(
    path: str | Path,
    *,
    text_column: Column | Sequence[Column] = "text",
    label_column: Column = "label",
    delimiter: str | None = None,
    header: bool | None = None,
    joiner: str = " ",
    label_separator: str | None = None,
    allow_no_label: bool = False,
    encoding: str = "utf-8",
    on_error: OnError = "raise",
) -> RawExamples:
    """CSV or TSV with quoted fields. Columns by header name or 0-based index.

    Several text columns are joined with `joiner` (AG News: title + description).
    `delimiter` defaults by extension (.tsv: tab, else comma); `header` defaults to True when any
    column is given by name. `label_separator` (e.g. "," or "|"): the label column holds a list
    of labels (multi-label data); `allow_no_label`: a text with an empty list is kept.
    """
    path = Path(path)
    text_columns = [text_column] if isinstance(text_column, (str, int)) else list(text_column)
    if not text_columns:
        raise ValueError("text_column must name at least one column")
    if delimiter is None:
        delimiter = "\t" if path.suffix.lower() in (".tsv", ".tab") else ","
    if header is None:
        header = any(isinstance(c, str) for c in [*text_columns, label_column])
    out = Collector(path, on_error, label_separator, allow_no_label)
    reader = csv.reader(io.StringIO(out.text(encoding), newline=""), delimiter=delimiter)
    rows = _csv_rows(reader, path)
    names = None
    if header:
        first = next(rows, None)
        if first is None:
            raise DataError("file is empty, expected a header row", path=path)
        names = [n.strip() for n in first[1]]
    text_idx = [column_index(c, names, path, "text") for c in text_columns]
    label_idx = column_index(label_column, names, path, "label")
    needed = max([*text_idx, label_idx]) + 1
    width = None if names is None else len(names)  # without a header: the first row's
    separator = "a tab" if delimiter == "\t" else f"a {delimiter!r}"
    for line, row in rows:
        if not row:  # a blank line
            continue
        width = width or len(row)
        if len(row) < needed:
            out.fail(
                DataError(
                    f"row has {len(row)} fields, expected at least {needed}", path=path, line=line
                )
            )
            continue
        if len(row) > width:
            out.fail(
                DataError(
                    f"row has {len(row)} fields, the {'header' if names else 'first row'} has "
                    f'{width}: is there {separator} inside a text? Quote that field ("..."), '
                    "or for text<TAB>label lines use format='text-tab-label' (it splits on the "
                    "last tab)",
                    path=path,
                    line=line,
                )
            )
            continue
        field_name = "+".join(str(c) for c in text_columns)
        text = joiner.join(row[i].strip() for i in text_idx if row[i].strip())
        out.add(text, row[label_idx], line, text_field=field_name)
    return out.out


def _csv_rows(reader, path: Path) -> Iterator[tuple[int, list[str]]]:
    """(first line number, fields) of each row; a malformed row is a DataError naming it."""
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            raise DataError(f"malformed CSV ({err})", path=path, line=reader.line_num) from None
        yield start, row
        start = reader.line_num + 1


def read_jsonl(
    path: str | Path,
    *,
    text_field: str | Sequence[str] = "text",
    label_field: str = "label",
    joiner: str = " ",
    label_separator: str | None = None,
    allow_no_label: bool = False,
    encoding: str = "utf-8",
    on_error: OnError = "raise",
) -> RawExamples:
    """One JSON object per line; several text fields are joined with `joiner`. A label that is
    a JSON list (`"label": ["billing", "bug"]`) makes the data multi-label."""
    path = Path(path)
    fields = [text_field] if isinstance(text_field, str) else list(text_field)
    out = Collector(path, on_error, label_separator, allow_no_label)
    for number, line in split_lines(out.text(encoding)):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            out.fail(
                DataError(f"invalid JSON ({err.msg} at column {err.colno})", path=path, line=number)
            )
            continue
        if not isinstance(record, dict):
            out.fail(DataError("expected a JSON object", path=path, line=number))
            continue
        missing = [f for f in [*fields, label_field] if f not in record]
        if missing:
            out.fail(
                DataError(
                    f"missing key; the object has {sorted(record)}",
                    path=path,
                    line=number,
                    field=missing[0],
                )
            )
            continue
        parts = [record[f] for f in fields]
        bad = next((f for f, p in zip(fields, parts, strict=True) if not isinstance(p, str)), None)
        if bad is not None:
            out.add(record[bad], record[label_field], number, text_field=bad)
            continue
        out.add(
            joiner.join(p.strip() for p in parts if p.strip()),
            record[label_field],
            number,
            text_field="+".join(fields),
        )
    return out.out


def read_fasttext(
    path: str | Path,
    *,
    label_prefix: str = "__label__",
    allow_no_label: bool = False,
    encoding: str = "utf-8",
    on_error: OnError = "raise",
) -> RawExamples:
    """fastText's supervised format: `__label__X some text` per line (the label may stand
    anywhere among the words). A line with several labels (`__label__billing __label__bug ...`)
    makes the data multi-label; a line with none is an error unless `allow_no_label`. Another
    prefix: `label_prefix`."""
    path = Path(path)
    out = Collector(path, on_error, None, allow_no_label)
    for number, line in split_lines(out.text(encoding)):
        if not line.strip():
            continue
        tokens = line.split()
        labels = [t[len(label_prefix) :] for t in tokens if t.startswith(label_prefix)]
        if not labels and not allow_no_label:
            out.fail(
                DataError(
                    f"no {label_prefix}LABEL on the line", path=path, line=number, field="label"
                )
            )
            continue
        text = " ".join(t for t in tokens if not t.startswith(label_prefix))
        out.add(text, labels[0] if len(labels) == 1 else labels, number)
    return out.out


def read_label_text(
    path: str | Path,
    *,
    separator: str = " ",
    label_prefix: str = "",
    label_separator: str | None = None,
    allow_no_label: bool = False,
    encoding: str = "utf-8",
    on_error: OnError = "raise",
) -> RawExamples:
    """A label, then `separator`, then the text, a line each: `NUM:dist How far is ...` with
    separator " " (TREC's question classes), `pos<TAB>a fine film` with "\t", or fastText's
    lines with label_prefix "__label__". Split on the FIRST separator, so the text may hold it;
    with `label_prefix`, every line must start with it."""
    path = Path(path)
    if not separator:
        raise DataError("separator must not be empty", field="separator")
    out = Collector(path, on_error, label_separator, allow_no_label)
    for number, line in split_lines(out.text(encoding)):
        if not line.strip():
            continue
        if label_prefix and not line.startswith(label_prefix):
            out.fail(
                DataError(
                    f"line does not start with the label prefix {label_prefix!r}",
                    path=path,
                    line=number,
                    field="label",
                )
            )
            continue
        label, sep, text = line[len(label_prefix) :].partition(separator)
        if not sep:
            out.fail(
                DataError(
                    f"no {separator!r} separator between label and text", path=path, line=number
                )
            )
            continue
        out.add(text.strip(), label, number)
    return out.out

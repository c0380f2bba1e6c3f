"""Errors that tell the user what went wrong and where, instead of a traceback from deep inside."""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Iterable
from pathlib import Path


class TextnnError(Exception):
    """Base class of every error textnn raises on purpose."""


class DataError(TextnnError, ValueError):
    """Bad input data. Names the file, the line (1-based) and the field where known."""

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.path = None if path is None else str(path)
        self.line = line
        self.field = field
        where = ", ".join(
            part
            for part in (
                self.path,
                None if line is None else f"line {line}",
                None if field is None else f"field {field!r}",
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)


class NotFoundError(TextnnError, LookupError):
    """A named thing (dataset, tokenizer, vectors...) does not exist; suggests close names."""

    def __init__(self, kind: str, name: str, choices: Iterable[str], hint: str = "") -> None:
        choices = sorted(choices)
        close = difflib.get_close_matches(name, choices, n=3, cutoff=0.5)
        message = f"unknown {kind} {name!r}"
        if close:
            message += f"; did you mean {' or '.join(repr(c) for c in close)}?"
        message += f" Known: {', '.join(choices)}."
        if hint:
            message += f" {hint}"
        super().__init__(message)
        self.name = name
        self.suggestions = close


class DataWarning(UserWarning):
    """Data that loads but may not be what its user meant (labels that mix numbers and words,
    examples skipped under on_error='skip'). The CLI prints it as one `warning:` line."""


def warn(message: str) -> None:
    """Issue a DataWarning pointing at the caller's caller (the user's code, not textnn's)."""
    warnings.warn(message, DataWarning, stacklevel=3)


def suggest(name: str, choices: Iterable[str]) -> str:
    """'; did you mean 'x'?' for the close names among `choices`, else '.': ends a sentence."""
    close = difflib.get_close_matches(name, sorted(choices), n=3, cutoff=0.5)
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else "."


class FetchError(TextnnError, OSError):
    """A file could not be found locally nor downloaded; says where to put it."""

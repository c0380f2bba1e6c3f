"""Versioned JSON documents (vocabularies, run files): read with checks that name the file."""

from __future__ import annotations

import json
from pathlib import Path

from textnn.errors import DataError


def read_document(path: Path, format: str, what: str) -> dict:
    """The JSON object in `path`, which must carry `"format": format`; DataError otherwise."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{what} file not found", path=path) from None
    except (ValueError, UnicodeDecodeError) as err:
        raise DataError(f"damaged {what} file, not valid JSON ({err})", path=path) from None
    if not isinstance(data, dict) or data.get("format") != format:
        raise DataError(f'not a textnn {what} file (expected "format": "{format}")', path=path)
    return data

"""Where textnn keeps and finds files: the cache (TEXTNN_HOME) and a mirror (TEXTNN_MIRROR)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def home() -> Path:
    """The cache root: `$TEXTNN_HOME`, else the user's cache directory (e.g. ~/.cache/textnn)."""
    configured = os.environ.get("TEXTNN_HOME")
    return (
        Path(configured).expanduser() if configured else Path(platformdirs.user_cache_dir("textnn"))
    )


def mirror() -> Path | None:
    """The offline mirror (a folder laid out like the cache) if `$TEXTNN_MIRROR` is set."""
    configured = os.environ.get("TEXTNN_MIRROR")
    return Path(configured).expanduser() if configured else None

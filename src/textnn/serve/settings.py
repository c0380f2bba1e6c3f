"""What a server allows and how it batches: one dataclass, set by `textnn serve`'s flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

API_KEY_VARIABLE = "TEXTNN_API_KEY"


@dataclass
class ServeSettings:
    """`max_batch`: texts per model call (1: batching off); `max_wait_ms`: how long the first
    text of a batch waits for others; `max_queue`: texts waiting at most (more: 503);
    `max_texts`: texts per request; `max_chars`: characters per text (more: 422, or cut with
    the request's `truncate`); `max_body_bytes`: request body (more: 413);
    `explain_samples`: the most LIME samples an explanation may ask for; `api_key`: a bearer
    token every route but /livez requires (None: open; default from TEXTNN_API_KEY);
    `cors_origins`: origins allowed to call from a browser page (none: CORS off)."""

    max_batch: int = 64
    max_wait_ms: float = 5.0
    max_queue: int = 4096
    max_texts: int = 256
    max_chars: int = 20_000
    max_body_bytes: int = 4_000_000
    explain_samples: int = 2000
    api_key: str | None = field(default_factory=lambda: os.environ.get(API_KEY_VARIABLE) or None)
    cors_origins: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("max_batch", "max_queue", "max_texts", "max_chars", "max_body_bytes"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.max_wait_ms < 0:
            raise ValueError(f"max_wait_ms must be 0 or more, got {self.max_wait_ms}")

"""Running the app on uvicorn with a clean exit: SIGTERM or Ctrl+C stop accepting, finish the
requests in hand and what is queued (the app's shutdown), and the process exits 0.

uvicorn alone re-raises the signal once it has shut down, so the process ends "killed by
SIGTERM" (status 143) even after a clean shutdown; service managers read that as a failure.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator

import uvicorn

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        previous = {s: signal.signal(s, self.handle_exit) for s in SIGNALS}
        try:
            yield
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)


def run(app, **options) -> None:
    """Serve `app` (an ASGI app) with uvicorn `options` (host, port, log_level...)."""
    _Server(uvicorn.Config(app, **options)).run()

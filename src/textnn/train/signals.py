"""Ctrl-C (SIGINT) and SIGTERM during training: the handler only raises a flag, which the
training loop reads after each step and stops on cleanly. (An exception raised from a Python
signal handler can land inside XLA's garbage-collection callback, which swallows it: a Ctrl-C
was seen to be ignored that way, the training running on to the end.)"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

from textnn.errors import TextnnError


class Interrupted(TextnnError):
    """Training stopped on a signal; the message says where, and what is on disk."""


@contextlib.contextmanager
def stop_on_signals(signals=(signal.SIGINT, signal.SIGTERM)) -> Iterator[threading.Event]:
    """An Event set by the first of `signals`; a second SIGINT stops at once (KeyboardInterrupt).
    Outside the main thread, where Python allows no handlers, the Event is never set."""
    event = threading.Event()

    def handler(signum, frame) -> None:
        if event.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        event.set()

    if threading.current_thread() is not threading.main_thread():
        yield event
        return
    previous = {s: signal.signal(s, handler) for s in signals}
    try:
        yield event
    finally:
        for s, old in previous.items():
            signal.signal(s, old)

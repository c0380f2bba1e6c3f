"""Trials at once: the threads of `autotune --workers N`, and a trial's stop (its time or a
signal, whichever comes first)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from textnn.tune.budget import Deadline


def run_workers(work: Callable[[threading.Event], None], workers: int) -> None:
    """Run `work(halt)` in `workers` threads (in this one when 1) until each returns; an error
    in one sets `halt` (the others stop after the trial in hand) and is raised here once all
    have stopped."""
    halt = threading.Event()
    if workers == 1:
        work(halt)
        return
    errors: list[BaseException] = []

    def guarded() -> None:
        try:
            work(halt)
        except BaseException as err:  # raised again below, in the caller's thread
            errors.append(err)
            halt.set()

    threads = [threading.Thread(target=guarded, name=f"autotune-{i}") for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


class Either:
    """Set when either is (a trial's time, a signal): a trial's stop."""

    def __init__(self, first: Deadline, second: threading.Event | None):
        self.first, self.second = first, second

    def is_set(self) -> bool:
        return self.first.is_set() or (self.second is not None and self.second.is_set())

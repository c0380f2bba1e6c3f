"""Time budgets: "10m", "90s", "1h30m" or plain seconds, and the deadline they set."""

from __future__ import annotations

import re
import time

from textnn.errors import DataError

_PART = re.compile(r"(\d+(?:\.\d+)?)([hms])")
_UNIT = {"h": 3600.0, "m": 60.0, "s": 1.0}


def parse_budget(text: str | float | int) -> float:
    """Seconds in `text`: a number of seconds, or amounts with units (`10m`, `1h30m`, `45s`).
    Zero, negative or unreadable budgets are a DataError naming the field."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        seconds = float(text)
    else:
        spelled = str(text).strip().lower().replace(" ", "")
        try:
            seconds = float(spelled)
        except ValueError:
            parts = _PART.findall(spelled)
            if not parts or "".join(a + u for a, u in parts) != spelled:
                raise DataError(
                    f"cannot read the budget {text!r}: give seconds (600) or amounts with units "
                    "h, m, s (10m, 1h30m, 90s)",
                    field="budget",
                ) from None
            seconds = sum(float(amount) * _UNIT[unit] for amount, unit in parts)
    if not seconds > 0 or seconds != seconds:
        raise DataError(f"the budget must be more than 0 seconds, got {text!r}", field="budget")
    return seconds


class Deadline:
    """A wall-clock deadline `seconds` from its making (`time.perf_counter`). Set, as an
    Event is, once it passes: training stops at the next step (`Trainer.fit`'s `stop`)."""

    def __init__(self, seconds: float):
        self.start = time.perf_counter()
        self.end = self.start + seconds

    def left(self) -> float:
        return self.end - time.perf_counter()

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def is_set(self) -> bool:
        return self.left() <= 0

    def sooner(self, seconds: float) -> Deadline:
        """The deadline `seconds` before this one (a trial's, leaving time for the end)."""
        earlier = Deadline(0.0)
        earlier.start, earlier.end = self.start, self.end - seconds
        return earlier

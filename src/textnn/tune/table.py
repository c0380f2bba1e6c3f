"""The live table of an autotune search: one line per trial, with the best so far."""

from __future__ import annotations

from collections.abc import Callable

Echo = Callable[[str], None]


class TrialTable:
    """The live table of trials: one line each, with the best so far."""

    def __init__(self, echo: Echo, metric: str):
        self.echo, self.metric, self.best = echo, metric, None

    def header(self) -> None:
        self.echo(
            f"{'trial':>5}  {'model':<9} {'state':<9} {'val ' + self.metric:>14} "
            f"{'seconds':>7}  settings"
        )

    def row(self, record: dict) -> dict:
        value = record.get("validation")
        if value is not None and (self.best is None or value > self.best[0]):
            self.best = (value, record["trial"])
        settings = ", ".join(
            f"{k.split('_', 1)[-1] if k.startswith(record['model']) else k}={_short(v)}"
            for k, v in record["params"].items()
            if k != "model"
        )
        shown = f"{value:.4f}" if value is not None else "-"
        best = f"  best {self.best[0]:.4f} (trial {self.best[1]})" if self.best else ""
        self.echo(
            f"{record['trial']:>5}  {record['model']:<9} {record['state']:<9} {shown:>14} "
            f"{record.get('seconds', 0):>7.1f}  {settings}{best}"
        )
        return record


def _short(value) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)

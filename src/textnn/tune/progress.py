"""A search in progress, kept on disk so that `textnn autotune --resume RUN` goes on after a
crash, a kill or Ctrl-C instead of starting again.

Under `RUN/search/` while the search runs:
  study.log     Optuna's journal of every trial (JournalStorage: append-only, one line per
                change), from which the study is loaded again with its trials and the family
                defaults still queued
  state.json    the search's settings (data config, metric, seed, budget, split), the time
                spent so far and every trial's record, written atomically after each trial
  trial-N/      the runs of the trials kept for the vote (the best few), as run directories,
                with their validation probabilities (out-of-fold ones with k folds, which
                the run alone cannot give again) in trial-N.probabilities.npy beside them

The folder goes once the result is written. A resumed search has the budget that was left; the
trial in hand at the stop is recorded as `killed` and not run again.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import numpy as np
import optuna

from textnn.errors import DataError
from textnn.files import write_atomic
from textnn.runs.directory import LOG, SEARCH, finish_run, load, save_run

STATE, JOURNAL, FORMAT = "state.json", "study.log", "textnn.autotune-state"
PROBABILITIES = ".probabilities.npy"


class SearchLog:
    """Where a search keeps its progress (`out/search`), or nowhere when `out` is None."""

    def __init__(self, out: Path | None):
        self.folder = None if out is None else Path(out) / SEARCH

    def storage(self) -> optuna.storages.BaseStorage | None:
        if self.folder is None:
            return None  # in memory
        from optuna.storages import JournalStorage
        from optuna.storages.journal import JournalFileBackend

        self.folder.mkdir(parents=True, exist_ok=True)
        return JournalStorage(JournalFileBackend(str(self.folder / JOURNAL)))

    def save_state(self, state: dict) -> None:
        if self.folder is not None:
            document = {"format": FORMAT, "version": 1, **state}
            write_atomic(self.folder / STATE, (json.dumps(document) + "\n").encode())

    def keep(
        self,
        number: int,
        predictor,
        config_dict: dict,
        epochs: list[dict],
        data: str,
        probabilities: np.ndarray,
    ):
        """Save a kept trial's model as a finished run (its epochs in its metrics.jsonl) and
        its validation `probabilities` <float32>[validation texts, classes]."""
        if self.folder is None:
            return
        buffer = io.BytesIO()
        np.save(buffer, probabilities.astype(np.float32), allow_pickle=False)
        write_atomic(self.folder / f"trial-{number}{PROBABILITIES}", buffer.getvalue())
        run = self.folder / f"trial-{number}"
        save_run(run, predictor, dataset=data, config_dict=config_dict, finished=False)
        (run / LOG).write_text("".join(json.dumps(e) + "\n" for e in epochs))
        finish_run(run, None)

    def probabilities(self, number: int) -> np.ndarray | None:
        """A kept trial's validation probabilities, None where none were saved."""
        path = None if self.folder is None else self.folder / f"trial-{number}{PROBABILITIES}"
        if path is None or not path.is_file():
            return None
        try:
            return np.load(path, allow_pickle=False)
        except (OSError, ValueError) as err:
            raise DataError(f"damaged autotune state ({err}); start again", path=path) from None

    def drop(self, number: int) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder / f"trial-{number}", ignore_errors=True)
            (self.folder / f"trial-{number}{PROBABILITIES}").unlink(missing_ok=True)

    def remove(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def load_state(run_dir: Path) -> dict:
    """The saved state of the search stopped in `run_dir`; a DataError says when there is none."""
    path = Path(run_dir) / SEARCH / STATE
    if not path.is_file():
        raise DataError(
            "nothing to resume: no autotune in progress here (a finished search keeps no "
            "state); run textnn autotune again with --overwrite",
            path=Path(run_dir),
        )
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        if state.get("format") != FORMAT:
            raise ValueError("not an autotune state")
        missing = {"config", "metric", "budget", "elapsed", "records", "kept"} - set(state)
        if missing:
            raise ValueError(f"no {', '.join(sorted(missing))}")
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise DataError(f"damaged autotune state ({err}); start again", path=path) from None
    return state


def kept_runs(run_dir: Path, numbers: list[int]) -> list[tuple[int, object, list[dict]]]:
    """(trial number, Predictor, epoch records) of each kept trial saved under `run_dir`."""
    out = []
    for number in numbers:
        run = Path(run_dir) / SEARCH / f"trial-{number}"
        epochs = [json.loads(line) for line in (run / LOG).read_text().splitlines() if line]
        out.append((number, load(run), epochs))
    return out

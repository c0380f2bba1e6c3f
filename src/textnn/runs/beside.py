"""A model trained beside a run's own (plain `train`'s textcnn partner, runs/partner.py; its
second nbsvm fit, runs/rival.py): a run of its own under `RUN/members/` while it trains, so a
crash resumes it from its checkpoints, removed once the run has chosen whether to keep it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from textnn.config import RunConfig
from textnn.train.checkpoint import latest


def train_beside(
    train: Callable,
    config: RunConfig,
    where: Path | None,
    dataset,
    echo,
    stop,
    label: str,
):
    """Train `config` (`train`: `runs.pipeline.train`) on the same data and split as the run,
    into `where` (None: nowhere), its lines echoed after `label`; one stopped by a crash goes
    on from its checkpoint, one that had none trains again from the start (the same result:
    runs are seeded). Returns `runs.pipeline.TrainResult`."""
    resume_from = None
    if where is not None and (found := latest(where)) is not None:
        arrays, state, _ = found
        resume_from = (arrays, state)
    return train(
        config,
        where,
        dataset=dataset,
        echo=lambda line: echo(f"  {label}: {line}"),
        progress=False,
        overwrite=True,
        stop=stop,
        resume_from=resume_from,
    )


def drop_member(out: Path | None, folder: str) -> None:
    """Remove the model trained beside the run in `out`'s `folder`, once the run has chosen
    (None: the run is written nowhere)."""
    if out is not None and (out / folder).is_dir():
        shutil.rmtree(out / folder)

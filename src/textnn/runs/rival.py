"""nbsvm's weight decay chosen on the run's own validation split: where the decay is left to
the data, plain `textnn train` fits `nbsvm` twice, with its default decay (1e-3) and without
one, and keeps the fit with the better best-epoch validation score (a tie keeps the decay).

Why: the decay stops Adam from overfitting millions of rarely seen n-gram weights, which
matters on long reviews and many classes (IMDb, GoEmotions), yet it cost about a point on
short subjective sentences (Subj, CR). No one value suits all data. Judged on held-out parts
of eight datasets' training splits, the choice made on each run's own validation split scored
0.8157 on average, above both fixed values (1e-3: 0.8143, none: 0.8056), as well as the better
of the two on six of them and at most 0.3 points below it on the other two (MPQA, IMDb)
(`benchmarks/choose_on_held_out.py --plain`; docs/benchmarks.md). The second fit costs about
as long again as the first, or up to twice (without the decay it trains more epochs before
early stopping).

The second fit is a run of its own under `RUN/members/` while it trains (so a crash resumes
it from its checkpoints); the one kept is the run, and the other is removed, or on small data
votes beside the run's partners (runs/partner.py).
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from textnn.config import RunConfig
from textnn.runs.beside import train_beside
from textnn.runs.directory import LOG, MEMBERS

RIVAL = "rival"  # the key of its config in the run's checkpoints
FOLDER = f"{MEMBERS}/rival-no-decay"
MODEL = "nbsvm"


def rival_config(asked: RunConfig, config: RunConfig, has_validation: bool) -> RunConfig | None:
    """The second fit's config: `config` (the run's, defaults resolved) without weight decay;
    None where there is none: the model is not nbsvm, the user gave the decay (`asked`), there
    is no validation split to choose on, the run refits on it, it starts from another run, or
    it learns from a teacher (a second fit would have the teacher label every unlabelled text
    again)."""
    if (
        config.model != MODEL
        or asked.train.weight_decay is not None
        or not has_validation
        or asked.train.refit
        or asked.init
        or asked.teacher
        or not config.train.weight_decay
    ):
        return None
    return dataclasses.replace(config, train=dataclasses.replace(config.train, weight_decay=0.0))


def train_rival(train, config: RunConfig, out: Path | None, dataset, echo, stop):
    """Train the second fit (`train`: `runs.pipeline.train`) on the same data and split into
    `out`'s FOLDER (None: nowhere), going on from its checkpoint after a crash."""
    where = None if out is None else out / FOLDER
    return train_beside(train, config, where, dataset, echo, stop, label="no decay")


def better(kept_score: float | None, rival_score: float | None) -> bool:
    """Whether the second fit's best validation score beats the first's (a tie does not)."""
    if rival_score is None:
        return False
    return kept_score is None or rival_score > kept_score


def adopt_log(out: Path | None) -> None:
    """The run's epoch log becomes the second fit's, whose parameters the run keeps."""
    if out is not None:
        shutil.copyfile(out / FOLDER / LOG, out / LOG)

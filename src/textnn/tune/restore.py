"""A stopped search read back: its trial records and its kept models, for `resume_autotune`."""

from __future__ import annotations

from pathlib import Path

import optuna
from optuna.trial import TrialState

from textnn.config import RunConfig
from textnn.tune.choose import Candidate
from textnn.tune.judge import Judge
from textnn.tune.progress import SearchLog, kept_runs
from textnn.tune.scores import score
from textnn.tune.table import TrialTable


def restored(
    resumed: dict,
    study: optuna.Study,
    table: TrialTable,
    out: Path,
    progress: SearchLog,
    judge: Judge,
    metric: str,
) -> tuple[list[dict], list[Candidate]]:
    """The trial records and the kept models (best first) of the search stopped in `out`,
    whose saved state is `resumed`; the trials in hand at the stop are recorded as killed."""
    records = [table.row(r) for r in resumed["records"]]
    for trial in study.get_trials(deepcopy=False, states=[TrialState.RUNNING]):
        study.tell(trial.number, state=TrialState.FAIL)  # in hand at the stop
        records.append(
            table.row({"trial": trial.number, "model": trial.params.get("model", "-"),
                       "params": trial.params, "state": "killed"})
        )  # fmt: skip
    kept = []
    for number, predictor, epochs in kept_runs(out, resumed["kept"]):
        record = next(r for r in records if r["trial"] == number)
        probabilities = progress.probabilities(number)
        if probabilities is None:  # saved before they were kept beside it: one held-out split
            probabilities = predictor.predict_proba(judge.validation[0].texts)
        kept.append(
            Candidate(number, RunConfig.from_dict(record["config"]), predictor, probabilities,
                      score(metric, judge.labels, probabilities), record["best_epoch"], epochs,
                      record.get("fit_seconds", record["seconds"]))
        )  # fmt: skip
    kept.sort(key=lambda c: -c.score)
    return records, kept

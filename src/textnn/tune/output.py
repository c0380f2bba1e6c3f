"""An autotune result as a run directory like any other.

The chosen model (the vote's best member) is the run itself: `load`, `finetune` and the
report read it as they read any run. A soft vote adds its other members as runs under
`members/` and names them in `vote.json` (a multi-label vote, its labels' thresholds too);
`runs.ensemble.load_outputs` (what predict, evaluate, explain and serve call) then answers
with the vote. `autotune.jsonl` holds a record per trial and a last line with the choice. All
of them join the run's manifest.
"""

from __future__ import annotations

import json
from pathlib import Path

from textnn.runs import manifest
from textnn.runs.directory import (
    LOG,
    MEMBERS,
    TRIALS_FILE,
    VOTE_FILE,
    VOTE_FORMAT,
    finish_run,
    save_run,
)


def write_autotune_run(
    out: Path,
    members: list,
    records: list[dict],
    summary: dict,
    report: dict | None,
    data: str,
    thresholds=None,
) -> None:
    """Write the chosen `members` (best first), the trial `records` and the `summary` line, and
    the test `report` of the whole; the manifest marks the run finished last. `thresholds`
    (<float32>[classes]): a multi-label vote's, chosen on validation for it."""
    names = []
    for member in members[1:]:
        name = f"{MEMBERS}/trial-{member.number}-{member.config.model}"
        save_run(out / name, member.predictor, dataset=data, config_dict=member.config.to_dict())
        finish_run(out / name, None)
        names.append(name)
    main = members[0]
    save_run(out, main.predictor, dataset=data, config_dict=main.config.to_dict(), finished=False)
    files = {
        TRIALS_FILE: "".join(json.dumps(r) + "\n" for r in [*records, summary]).encode(),
        LOG: "".join(json.dumps(e) + "\n" for e in main.epochs).encode(),
    }
    if names:
        vote = {"format": VOTE_FORMAT, "version": 1, "members": names}
        if thresholds is not None:
            vote["thresholds"] = [float(t) for t in thresholds]
        files[VOTE_FILE] = (json.dumps(vote, indent=2) + "\n").encode()
    manifest.commit(out, files, finished=False)
    finish_run(out, report)

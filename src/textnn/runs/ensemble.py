"""A soft vote of trained runs: the mean of their class probabilities (scikit-learn's
`VotingClassifier(voting="soft")`, over run directories).

Runs of different families make different mistakes (a bag of n-grams misses what a
convolution over word vectors catches, and the other way round), so their vote is often
better than either. The runs may differ in everything (model, tokenizer, vocabulary, max
length) but must know the same classes; each keeps its own tokenizer and batches.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from textnn.errors import DataError
from textnn.jsonfile import read_document
from textnn.runs.directory import VOTE_FILE, VOTE_FORMAT, load
from textnn.runs.predictor import Outputs


class Ensemble(Outputs):
    """Predictors -> the (weighted) mean of their probabilities, in the first one's class order.

    `names` (e.g. their run directories) name the predictors in errors; `weights` (one per
    predictor, at least 0, not all 0; default equal) weigh their votes, and a predictor of
    weight 0 is not asked at all. Multi-label runs vote only with `thresholds`
    (<float32>[classes], in the first one's class order): each label's cut chosen on
    validation data for this vote, as autotune chooses them; each run's own were chosen for
    it alone."""

    def __init__(
        self,
        predictors: Sequence[Outputs],
        names: Sequence[str] | None = None,
        weights: Sequence[float] | None = None,
        thresholds: np.ndarray | None = None,
    ):
        if not predictors:
            raise ValueError("an ensemble needs at least one predictor")
        if names is None:
            names = [f"predictor {i}" for i in range(len(predictors))]
        if len(names) != len(predictors):
            raise ValueError(f"{len(predictors)} predictors but {len(names)} names")
        self.weights = checked_weights(weights, len(predictors), ", ".join(map(str, names)))
        self.predictors = list(predictors)
        self.label_names = list(predictors[0].label_names)
        kinds = {bool(getattr(p, "multilabel", False)) for p in predictors}
        if len(kinds) > 1:
            raise DataError(
                f"{', '.join(names)}: a vote needs runs of one kind, all multi-label or none"
            )
        if len(predictors) > 1 and kinds == {True} and thresholds is None:
            raise DataError(
                f"{', '.join(names)}: a vote of multi-label runs needs each label's threshold "
                "chosen for the vote (each run's were chosen for it alone); autotune chooses "
                "them on validation data, or use one run"
            )
        # An ensemble of one (a run alone, as the report sees it) decides as that run does.
        self.multilabel = kinds == {True}
        self.thresholds = getattr(predictors[0], "thresholds", None)
        if thresholds is not None:
            thresholds = np.asarray(thresholds, np.float32)
            if thresholds.shape != (len(self.label_names),) or not np.isfinite(thresholds).all():
                raise DataError(
                    f"{', '.join(names)}: the vote's thresholds must be {len(self.label_names)} "
                    f"finite numbers, one per label, got shape {thresholds.shape}",
                    field="thresholds",
                )
            self.thresholds = thresholds
        self.columns = []  # for each predictor, its column of each of our classes
        for predictor, name in zip(predictors, names, strict=True):
            if sorted(predictor.label_names) != sorted(self.label_names):
                raise DataError(
                    f"{name} knows the classes {predictor.label_names}, {names[0]} knows"
                    f" {self.label_names}: a vote needs runs trained on the same classes"
                )
            index = {label: i for i, label in enumerate(predictor.label_names)}
            self.columns.append(np.array([index[label] for label in self.label_names]))

    def member_probabilities(
        self, texts: Sequence[str], allow_empty: bool = False, batch_size: int | None = None
    ) -> list[np.ndarray]:
        """Each predictor's <float32>[n, classes] probabilities, columns in our class order."""
        return [
            self._member(i, texts, allow_empty, batch_size) for i in range(len(self.predictors))
        ]

    def predict_proba(
        self, texts: Sequence[str], allow_empty: bool = False, batch_size: int | None = None
    ) -> np.ndarray:
        """<float32>[n, classes]: the weighted mean over predictors of each text's class
        probabilities (those of weight 0 are not asked)."""
        voting = [i for i, weight in enumerate(self.weights) if weight > 0]
        return vote(
            [self._member(i, texts, allow_empty, batch_size) for i in voting],
            [self.weights[i] for i in voting],
        )

    def _member(self, i: int, texts: Sequence[str], allow_empty: bool, batch_size: int | None):
        probabilities = self.predictors[i].predict_proba(
            texts, allow_empty=allow_empty, batch_size=batch_size
        )
        return probabilities[:, self.columns[i]]


def vote(
    member_probabilities: Sequence[np.ndarray], weights: Sequence[float] | None = None
) -> np.ndarray:
    """<float32>[n, classes]: the soft vote (weighted mean; default: mean) of aligned
    <float32>[n, classes] arrays."""
    weights = checked_weights(weights, len(member_probabilities), "the vote")
    total = np.zeros_like(member_probabilities[0], dtype=np.float32)
    for probs, weight in zip(member_probabilities, weights, strict=True):
        total += np.float32(weight) * probs
    return total


def grown_vote(
    member_probabilities: Sequence[np.ndarray],
    judge: Callable[[np.ndarray], float],
    start: int,
    size: int,
    start_score: float | None = None,
) -> tuple[list[int], float]:
    """Caruana et al. 2004's ensemble selection, without repeats: from member `start` (its
    score `start_score`, else `judge` of its probabilities), each step adds the member whose
    joining raises `judge` of the vote (<float32>[n, classes] -> score) most, a tie going to
    the first, up to `size` members, while it rises. Returns the members' indices, in the order
    they joined, and the vote's score. Autotune's answer and plain `train`'s both grow it."""
    members = [start]
    best = judge(member_probabilities[start]) if start_score is None else start_score
    while len(members) < size:
        scored = [
            (judge(vote([member_probabilities[m] for m in [*members, i]])), i)
            for i in range(len(member_probabilities))
            if i not in members
        ]
        if not scored:
            break
        value, joining = max(scored, key=lambda pair: pair[0])  # max keeps the first of a tie
        if value <= best:
            break
        members, best = [*members, joining], value
    return members, best


def checked_weights(weights: Sequence[float] | None, count: int, what: str) -> list[float]:
    """`weights` for `count` voters, scaled to sum to 1; None: equal."""
    if weights is None:
        return [1.0 / count] * count
    weights = [float(w) for w in weights]
    if len(weights) != count or not all(np.isfinite(w) and w >= 0 for w in weights):
        raise DataError(
            f"{what}: weights must be {count} numbers of at least 0, got {weights}", field="weights"
        )
    total = sum(weights)
    if total <= 0:
        raise DataError(f"{what}: the weights must not all be 0", field="weights")
    return [w / total for w in weights]


def load_ensemble(run_dirs: Sequence[str | Path]) -> Ensemble:
    """The soft vote of the trained runs in `run_dirs`."""
    return Ensemble([load(d) for d in run_dirs], [str(d) for d in run_dirs])


def load_outputs(run_dir: str | Path, vote_with: Sequence[str | Path] = ()) -> Outputs:
    """What predicts for `run_dir`: its model, or the soft vote its `vote.json` names (an
    autotuned run's), joined by the runs in `vote_with` when given."""
    run_dir = Path(run_dir)
    main = load(run_dir)  # verifies the run's files, the vote file among them
    members = [run_dir / name for name in vote_members(run_dir)]
    if not members and not vote_with:
        return main
    others = [*members, *vote_with]
    return Ensemble(
        [main, *(load(d) for d in others)],
        [str(d) for d in (run_dir, *others)],
        voter_weights(run_dir, len(vote_with)),
        # chosen for the run's own vote: runs joining it would need their own
        None if vote_with else vote_thresholds(run_dir),
    )


def vote_thresholds(run_dir: Path) -> np.ndarray | None:
    """The label thresholds a multi-label vote file gives (autotune's, chosen on validation
    for the vote); None without them. The Ensemble checks their count."""
    thresholds = vote_entry(run_dir, "thresholds")
    if thresholds is None:
        return None
    if not numbers(thresholds) or not all(0 <= t <= 1 for t in thresholds):
        raise DataError(
            "damaged vote file: 'thresholds' must be a list of numbers from 0 to 1, one per label",
            path=run_dir / VOTE_FILE,
        )
    return np.asarray(thresholds, np.float32)


def vote_entry(run_dir: Path, key: str):
    """`key`'s value in the vote file of `run_dir` (None without the file or the key)."""
    path = run_dir / VOTE_FILE
    return read_document(path, VOTE_FORMAT, "vote").get(key) if path.is_file() else None


def numbers(values) -> bool:
    """Whether `values` (read from JSON) is a list of numbers (true and false are not)."""
    return isinstance(values, list) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in values
    )


def voter_weights(run_dir: Path, joining: int = 0) -> list[float] | None:
    """The weights of the run's own voters (itself first, then its vote file's members), as
    its vote file gives them (None: equal), followed by `joining` runs that join the vote
    (`--vote-with`), each weighing as much as the run's voters do on average."""
    path = run_dir / VOTE_FILE
    weights = vote_entry(run_dir, "weights")
    if weights is None:
        return None
    voters = 1 + len(vote_members(run_dir))
    try:
        if not numbers(weights):
            raise DataError("not a list of numbers")
        weights = checked_weights(weights, voters, str(path))
    except DataError:
        raise DataError(
            f"damaged vote file: 'weights' must be {voters} numbers of at least 0, not all 0 "
            "(the run's, then each member's)",
            path=path,
        ) from None
    return weights + [1.0 / voters] * joining


def vote_members(run_dir: Path) -> list[str]:
    """The member runs (relative paths) that the vote file of `run_dir` names; none without
    one. The run's manifest has verified the file when `load(run_dir)` has run."""
    path = run_dir / VOTE_FILE
    if not path.is_file():
        return []
    members = read_document(path, VOTE_FORMAT, "vote").get("members")
    if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
        raise DataError("damaged vote file: 'members' must be a list of run folders", path=path)
    for member in members:
        if Path(member).is_absolute() or ".." in Path(member).parts:
            raise DataError(f"vote member {member!r} is not a folder inside the run", path=path)
    return members

"""How plain `textnn train` answers on small data, chosen without looking at test data.

Inside each of the first K folds of bench_accuracy's 10-fold split (seed 0), 10% of the
fold's training part is held out as the judge (as `choose_on_held_out.py` does); the rest is
split again into training and validation (10%, seed 0). On them the three models plain
`train` fits on small data are trained: its `nbsvm` (with its choice of weight decay,
runs/rival.py) and the partners of runs/partner.py (a TextCNN and a BiLSTM over GloVe 50d).
Each rule for answering then decides on the validation split and is scored on the judge:

- `earlier`: the best on validation of nbsvm alone, the TextCNN alone and their vote (a tie
  keeps the first; plain `train` until 2026-12-06);
- `vote unless clearly`: the vote of the three unless nbsvm alone is clearly better on
  validation (runs/partner.py's `clearly_better`);
- `vote of three`: always; `best of seven`: the best on validation of each model alone and
  each vote of two or three;
- `vote of four`: always the vote of the three and the nbsvm fit that plain `train` did not
  keep (with its decay or without); `four unless clearly`: that vote unless nbsvm alone is
  clearly better (plain `train` since 2026-12-06);
- `four unless greedy (k sd)`: the vote of the four unless the vote grown greedily from the
  best of them on validation (autotune's `selected`, tune/choose.py) is better than it by over
  k standard deviations (autotune's rule for its answer, with plain `train`'s fits only);
  `four unless grown from nbsvm (k sd)`: the same with the vote grown from the kept nbsvm;
- `four weighted (log loss)`: the four's probabilities averaged with weights fitted on
  validation (those with the least log loss); `four weighted (ensemble selection)`: weights
  from Caruana et al.'s ensemble selection with replacement (20 rounds, by accuracy).

Each fold's models' probabilities are kept in runs/choose_partners/ (ignored by git), so a
rule added later is scored without training again; delete the folder to train anew.

Writes benchmarks/results/choose_partners.json (docs/benchmarks.md quotes it); the test split
is never read.

    python benchmarks/choose_partners.py goemotions_single 2 uci_sentences 10 cr 5 mr 4 \
        subj 3 mpqa 3
"""

from __future__ import annotations

import itertools
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common
from bench_autotune import STAND_INS

from textnn.config import RunConfig
from textnn.config.run_config import default_weight_decay
from textnn.data import load_dataset, stratified_kfold, train_validation_split
from textnn.data.dataset import Dataset
from textnn.runs.adaptive import DataProfile
from textnn.runs.ensemble import Ensemble, grown_vote, vote
from textnn.runs.partner import clearly_better, partner_configs
from textnn.runs.pipeline import train
from textnn.runs.rival import better
from textnn.text.tokenize import Tokenizer

RULES = (
    "earlier",
    "vote unless clearly",
    "vote of three",
    "best of seven",
    "vote of four",
    "four unless clearly",
    *(f"four unless greedy ({k} sd)" for k in (1, 2, 3)),
    *(f"four unless grown from nbsvm ({k} sd)" for k in (1, 3)),
    "four weighted (log loss)",
    "four weighted (ensemble selection)",
)
CACHE = Path("runs/choose_partners")


def right(labels: np.ndarray, probabilities: np.ndarray) -> float:
    return float((probabilities.argmax(axis=1) == labels).mean())


def models(name: str, fold: Dataset) -> tuple[list, dict[str, float]]:
    """plain `train`'s models, trained on `fold`: its nbsvm (the fit with the better best
    validation score of the default decay and none, a tie keeping the decay: runs/rival.py),
    its partners, and the nbsvm fit it did not keep; seconds each (nbsvm: both fits)."""
    plain = RunConfig().with_overrides({"data.name": name})
    fit = fold["train"]
    profile = DataProfile.of(fit.texts, fit.labels, Tokenizer(plain.text.tokenizer))
    partners = partner_configs(plain, profile, has_validation=True)
    if not partners:
        sys.exit(f"{name}: too large for plain `train`'s partners (runs/partner.py)")
    linear = plain.with_overrides({"model": "nbsvm", "embeddings": None})
    fits = [
        linear.with_overrides({"train.weight_decay": default_weight_decay("nbsvm")}),
        linear.with_overrides({"train.weight_decay": 0.0}),
    ]
    results, seconds = [], {}
    for config in [*fits, *partners]:
        started = time.perf_counter()
        results.append(train(config, None, dataset=fold, echo=lambda _: None))
        spent = round(time.perf_counter() - started, 1)
        seconds[config.model] = seconds.get(config.model, 0.0) + spent
    kept, passed_over, *others = results
    if better(kept.history.best_val_accuracy, passed_over.history.best_val_accuracy):
        kept, passed_over = passed_over, kept  # plain train's own rule (runs/rival.py)
    return [r.predictor for r in (kept, *others, passed_over)], seconds


def greedy(labels: np.ndarray, each: list[np.ndarray], start: int | None = None) -> tuple:
    """The vote grown greedily (runs/ensemble.py's `grown_vote`, up to 3 members) from the best
    model on validation, as autotune's `selected` grows it, or from model `start`."""
    scores = [right(labels, p) for p in each]
    first = max(range(len(each)), key=lambda i: (scores[i], -i)) if start is None else start
    return tuple(grown_vote(each, lambda p: right(labels, p), first, 3)[0])


def log_loss_weights(labels: np.ndarray, each: list[np.ndarray], steps: int = 500) -> np.ndarray:
    """Weights (summing to 1) of the average of `each` (<float32>[n, classes]) with the least
    log loss on `labels`: gradient descent on their softmax parameters."""
    stacked = np.stack(each).astype(np.float64)  # [models, n, classes]
    right_p = stacked[:, np.arange(len(labels)), labels]  # [models, n]
    z = np.zeros(len(each))
    for _ in range(steps):
        w = np.exp(z - z.max())
        w /= w.sum()
        mixed = w @ right_p + 1e-12  # [n]
        grad_w = -(right_p / mixed).mean(axis=1)  # d loss / d w
        z -= 0.5 * w * (grad_w - w @ grad_w)  # through the softmax
    w = np.exp(z - z.max())
    return w / w.sum()


def selection_weights(labels: np.ndarray, each: list[np.ndarray], rounds: int = 20) -> np.ndarray:
    """Caruana et al. 2004's ensemble selection with replacement: each round adds the model
    that makes the running average most accurate on `labels` (a tie: the first); weights are
    how often each was added."""
    counts = np.zeros(len(each))
    total = np.zeros_like(each[0], dtype=np.float64)
    for n in range(1, rounds + 1):
        best = max(range(len(each)), key=lambda i: (right(labels, (total + each[i]) / n), -i))
        counts[best] += 1
        total += each[best]
    return counts / counts.sum()


def judged(labels_v, each_v, labels_j, each_j) -> dict[str, float]:
    """Judge accuracy of each rule, given each model's probabilities on validation (`each_v`)
    and on the judge (`each_j`), in the order nbsvm, textcnn, bilstm, the other nbsvm fit."""
    combos = [c for n in (1, 2, 3) for c in itertools.combinations(range(3), n)] + [(0, 1, 2, 3)]
    on_val = {c: right(labels_v, vote([each_v[i] for i in c])) for c in combos}
    on_judge = {c: right(labels_j, vote([each_j[i] for i in c])) for c in combos}

    def best(choices):  # the best on validation; a tie keeps the first
        return max(choices, key=lambda c: (on_val[c], -choices.index(c)))

    three, four = (0, 1, 2), (0, 1, 2, 3)
    alone = clearly_better(labels_v, each_v[0], vote(each_v[:3]))
    alone_of_four = clearly_better(labels_v, each_v[0], vote(each_v))
    grown, from_nbsvm = greedy(labels_v, each_v), greedy(labels_v, each_v, start=0)
    for members in (grown, from_nbsvm):
        on_judge[members] = right(labels_j, vote([each_j[i] for i in members]))
    grown_v = vote([each_v[i] for i in grown])

    def weighted(w: np.ndarray) -> float:
        return right(labels_j, np.tensordot(w, np.stack(each_j), axes=1))

    from_nbsvm_v = vote([each_v[i] for i in from_nbsvm])
    return {
        "earlier": on_judge[best([(0,), (1,), (0, 1)])],
        "vote unless clearly": on_judge[(0,) if alone else three],
        "vote of three": on_judge[three],
        "best of seven": on_judge[best(combos[:7])],
        "vote of four": on_judge[four],
        "four unless clearly": on_judge[(0,) if alone_of_four else four],
        **{
            f"four unless greedy ({k} sd)": on_judge[
                grown if clearly_better(labels_v, grown_v, vote(each_v), k) else four
            ]
            for k in (1, 2, 3)
        },
        **{
            f"four unless grown from nbsvm ({k} sd)": on_judge[
                from_nbsvm if clearly_better(labels_v, from_nbsvm_v, vote(each_v), k) else four
            ]
            for k in (1, 3)
        },
        "four weighted (log loss)": weighted(log_loss_weights(labels_v, each_v)),
        "four weighted (ensemble selection)": weighted(selection_weights(labels_v, each_v)),
        "nbsvm": on_judge[(0,)],
        "textcnn": on_judge[(1,)],
        "bilstm": on_judge[(2,)],
    }


def run(name: str, folds: int) -> dict:
    data = STAND_INS[name]() if name in STAND_INS else load_dataset(name)
    examples = data.train
    parts = [t for t, _ in stratified_kfold(examples.labels, 10, seed=0)]
    rows = []
    for k, train_idx in enumerate(parts[:folds]):
        rest, judge = train_validation_split(examples.subset(train_idx), 0.1, seed=123)
        fit, val = train_validation_split(rest, 0.1, seed=0)
        fold = Dataset(name, data.label_names, {"train": fit, "validation": val, "test": judge})
        cached = CACHE / f"{name}-{k}.npz"
        if cached.is_file():
            kept = np.load(cached)
            each_v, each_j = list(kept["validation"]), list(kept["judge"])
            seconds = json.loads(str(kept["seconds"]))
        else:
            trained, seconds = models(name, fold)
            voters = Ensemble(trained)
            each_v = voters.member_probabilities(val.texts)
            each_j = voters.member_probabilities(judge.texts)
            CACHE.mkdir(parents=True, exist_ok=True)
            np.savez(cached, validation=np.stack(each_v), judge=np.stack(each_j),
                     seconds=json.dumps(seconds))  # fmt: skip
        row = judged(val.labels, each_v, judge.labels, each_j)
        rows.append({"fold": k, **row, "seconds": seconds})
        print(f"{name} fold {k}: " + ", ".join(f"{r} {row[r]:.4f}" for r in RULES), flush=True)
    keys = [k for k in rows[0] if k not in ("fold", "seconds")]
    mean = {k: round(statistics.mean(r[k] for r in rows), 4) for k in keys}
    return {"folds": rows, "mean": mean}


def main() -> None:
    args = sys.argv[1:]
    if not args or len(args) % 2:
        sys.exit(__doc__.split("\n\n")[-1])
    path = common.RESULTS / "choose_partners.json"
    results = json.loads(path.read_text())["datasets"] if path.is_file() else {}
    for name, folds in zip(args[::2], args[1::2], strict=True):
        results[name] = {**run(name, int(folds)), "date": common.machine()["date"]}
        print(name, results[name]["mean"], flush=True)
        common.write("choose_partners", {"datasets": results})


if __name__ == "__main__":
    main()

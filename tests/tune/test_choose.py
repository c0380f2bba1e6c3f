"""tune/choose.py's answer: the vote of plain train's fits (the first four trials) unless the
greedy vote is clearly better on validation; made-up validation outputs, so each case is known."""

import numpy as np

from textnn.tune.choose import Candidate, choose, selected


def candidate(number: int, right: np.ndarray, labels: np.ndarray, sure: float = 0.8) -> Candidate:
    """A trial whose validation probabilities give the true label `sure` where `right`, else
    the other label (two classes)."""
    predicted = np.where(right, labels, 1 - labels)
    probabilities = np.full((len(labels), 2), 1 - sure, dtype=np.float32)
    probabilities[np.arange(len(labels)), predicted] = sure
    accuracy = float(right.mean())
    return Candidate(number, None, None, probabilities, accuracy, 1, [{}], 1.0)


def kept_best_first(candidates: list[Candidate]) -> list[Candidate]:
    return sorted(candidates, key=lambda c: -c.score)


def test_the_plain_vote_unless_another_is_clearly_better():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 400)
    # four plain fits at about 80%, with independent errors: their vote is about as good
    plain = [candidate(n, rng.random(400) < 0.8, labels) for n in range(4)]
    # a later trial a little better alone: not clearly better than the plain vote
    slightly = candidate(7, rng.random(400) < 0.83, labels, sure=0.99)
    members, value, why = choose(kept_best_first([*plain, slightly]), labels, "accuracy")
    assert sorted(m.number for m in members) == [0, 1, 2, 3]
    assert why == "the vote of plain train's fits"
    assert 0.0 < value <= 1.0
    # a later trial right on every text is clearly better: the greedy selection wins
    perfect = candidate(9, np.ones(400, bool), labels, sure=0.99)
    members, value, why = choose(kept_best_first([*plain, perfect]), labels, "accuracy")
    assert [m.number for m in members] == [9] and value == 1.0
    assert why.startswith("clearly better")


def test_fewer_than_two_plain_fits_leave_the_greedy_choice():
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 2, 200)
    kept = kept_best_first([candidate(n, rng.random(200) < 0.7, labels) for n in (0, 5, 6)])
    members, value, why = choose(kept, labels, "accuracy")
    greedy, best = selected(kept, labels, "accuracy")
    assert [m.number for m in members] == [m.number for m in greedy] and value == best
    assert why == "the best on validation"

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from textnn.data import Examples, stratified_kfold, train_validation_split
from textnn.data.splits import stratified_split

labels_strategy = st.lists(st.integers(0, 3), min_size=2, max_size=300).map(np.array)


@settings(max_examples=80, deadline=None)
@given(labels_strategy, st.floats(0.05, 0.5), st.integers(0, 2**31))
def test_split_is_a_stratified_partition(labels, fraction, seed):
    kept, held = stratified_split(labels, fraction, seed)
    assert np.array_equal(np.sort(np.concatenate([kept, held])), np.arange(len(labels)))
    for c in np.unique(labels):
        n = (labels == c).sum()
        got = (labels[held] == c).sum()
        if n >= 2:
            assert 1 <= got <= n - 1
            assert abs(got - n * fraction) < 1
    sizes = np.bincount(labels)
    if (sizes[sizes > 0] * fraction >= 1).all():
        assert len(held) == round(len(labels) * fraction)
    again = stratified_split(labels, fraction, seed)
    assert np.array_equal(again[1], held)


@settings(max_examples=80, deadline=None)
@given(labels_strategy, st.integers(2, 10), st.integers(0, 2**31))
def test_kfold_covers_everything_once_and_balances(labels, k, seed):
    if k > len(labels):
        with pytest.raises(ValueError):
            stratified_kfold(labels, k, seed)
        return
    folds = stratified_kfold(labels, k, seed)
    tests = np.concatenate([test for _, test in folds])
    assert np.array_equal(np.sort(tests), np.arange(len(labels)))
    sizes = [len(test) for _, test in folds]
    assert max(sizes) - min(sizes) <= 1
    for train, test in folds:
        assert len(np.intersect1d(train, test)) == 0 and len(train) + len(test) == len(labels)
        for c in np.unique(labels):
            per_fold = (labels == c).sum() / k
            assert abs((labels[test] == c).sum() - per_fold) < 1


def test_seed_changes_the_split():
    labels = np.repeat([0, 1], 50)
    a = stratified_split(labels, 0.2, 0)[1]
    b = stratified_split(labels, 0.2, 1)[1]
    assert not np.array_equal(a, b)


def test_train_validation_split_keeps_texts_with_labels():
    ex = Examples([f"t{i}" for i in range(20)], np.array([i % 2 for i in range(20)], np.int32))
    train, val = train_validation_split(ex, 0.25, seed=3)
    assert len(train) == 15 and len(val) == 5
    for part in (train, val):
        assert all(int(t[1:]) % 2 == y for t, y in zip(part.texts, part.labels, strict=True))

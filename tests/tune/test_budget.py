"""Budgets: seconds or amounts with units; anything else is an error naming the field."""

import math
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from textnn.errors import DataError
from textnn.tune.budget import Deadline, parse_budget


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("10m", 600),
        ("1h30m", 5400),
        ("90s", 90),
        ("45", 45),
        ("2.5m", 150),
        (" 1H ", 3600),
        (30, 30),
    ],
)
def test_budgets_read(text, seconds):
    assert parse_budget(text) == seconds


@pytest.mark.parametrize("text", ["0", "-5", "abc", "10x", "", "m", "5m3", "nan", "0m", True])
def test_bad_budgets_are_errors(text):
    with pytest.raises(DataError, match="budget"):
        parse_budget(text)


@given(st.integers(0, 99), st.integers(0, 59), st.integers(1, 59))
def test_units_add_up(hours, minutes, seconds):
    assert parse_budget(f"{hours}h{minutes}m{seconds}s") == hours * 3600 + minutes * 60 + seconds


def test_deadline_is_set_once_it_passes():
    deadline = Deadline(0.2)
    sooner = deadline.sooner(0.15)
    assert not deadline.is_set() and deadline.left() > 0
    assert sooner.start == deadline.start and sooner.end == deadline.end - 0.15
    while not sooner.is_set():
        time.sleep(0.005)
    assert not deadline.is_set()
    time.sleep(max(deadline.left(), 0) + 0.01)
    assert deadline.is_set() and deadline.left() <= 0 and math.isfinite(deadline.elapsed())

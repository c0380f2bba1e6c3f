"""`textnn autotune`: search model families and their settings under a time budget, judged on
validation data only, ending in a run directory like any other (`search.autotune`)."""

from textnn.tune.budget import parse_budget
from textnn.tune.search import AutotuneResult, autotune, resume_autotune

__all__ = ["AutotuneResult", "autotune", "parse_budget", "resume_autotune"]

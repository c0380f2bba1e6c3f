"""The import path `textnn.explain` of earlier releases, kept so that code written for them
still runs: the code lives in `textnn.analysis.explain`."""

from textnn.analysis.explain import SEPARATORS, Explanation, explain

__all__ = ["SEPARATORS", "Explanation", "explain"]

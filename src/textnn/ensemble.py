"""The import path `textnn.ensemble` of earlier releases, kept so that code written for them
still runs: the code lives in `textnn.runs.ensemble`."""

from textnn.runs.ensemble import Ensemble, load_ensemble, vote

__all__ = ["Ensemble", "load_ensemble", "vote"]

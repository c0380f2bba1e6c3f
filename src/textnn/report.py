"""The import path `textnn.report` of earlier releases, kept so that code written for them
still runs: the figures live in `textnn.analysis.figures`, the HTML report in
`textnn.analysis.report`."""

from textnn.analysis.figures import FIGURES, RunView, dataset_lengths, pretrained_map
from textnn.analysis.report import STYLE, write_report

__all__ = ["FIGURES", "STYLE", "RunView", "dataset_lengths", "pretrained_map", "write_report"]

"""Plots: each figure draws what it is given, as PNG and SVG, from a run or from vectors."""

import numpy as np
import pytest
from click.testing import CliRunner
from matplotlib.image import imread

from textnn.analysis import plots
from textnn.analysis.figures import FIGURES, RunView
from textnn.cli import main
from textnn.errors import DataError

REPORT = {
    "accuracy": 0.75,
    "per_class": {
        "World": {"precision": 0.9, "recall": 0.8, "f1": 0.85, "support": 10},
        "Sports": {"precision": 0.6, "recall": 0.7, "f1": 0.65, "support": 10},
        "Sci/Tech": {"precision": 0.7, "recall": 0.75, "f1": 0.72, "support": 10},
    },
    "confusion_matrix": [[8, 1, 1], [2, 7, 1], [1, 2, 7]],
}
EPOCHS = [
    {"epoch": i, "train_loss": 1 / i, "train_accuracy": 0.5 + i / 10, "val_accuracy": 0.6}
    for i in range(1, 4)
]


def drawn(figure, path):
    """Save, read back, and check the picture is not blank."""
    plots.save(figure, path)
    if path.suffix == ".png":
        pixels = imread(path)
        assert pixels.shape[0] > 100 and pixels.std() > 0.05
    return path


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_every_figure_saves(tmp_path, suffix):
    rng = np.random.default_rng(0)
    figures = {
        "confusion": plots.confusion_matrix(REPORT["confusion_matrix"], list(REPORT["per_class"])),
        "curves": plots.training_curves(EPOCHS),
        "lengths": plots.length_histogram(rng.integers(1, 300, 500), max_length=200),
        "map": plots.embedding_map(["a", "b", "c"], rng.normal(size=(3, 5))),
        "bars": plots.per_class_bars(REPORT),
    }
    for name, figure in figures.items():
        drawn(figure, tmp_path / f"{name}{suffix}")


def test_the_svg_shows_the_numbers_and_names(tmp_path):
    names = list(REPORT["per_class"])
    svg = drawn(plots.confusion_matrix(REPORT["confusion_matrix"], names), tmp_path / "c.svg")
    text = svg.read_text()
    for label in ("Sci/Tech", "counts", "row-normalised", "0.70", "0.80"):
        assert label in text
    lengths = plots.length_histogram([10] * 90 + [500] * 10, max_length=100)
    text = drawn(lengths, tmp_path / "l.svg").read_text()
    assert "max_length 100 (cuts 10.0% of texts)" in text


def test_a_refit_gets_lines_of_its_own(tmp_path):
    refit = [{"epoch": i, "train_loss": 0.5 / i, "train_accuracy": 0.9, "refit": True}
             for i in (1, 2)]  # fmt: skip
    figure = plots.training_curves(EPOCHS + refit)
    labels = [line.get_label() for ax in figure.axes for line in ax.get_lines()]
    assert labels.count("refit train loss") == labels.count("refit train accuracy") == 1
    loss = next(line for line in figure.axes[0].get_lines() if line.get_label() == "train loss")
    assert list(loss.get_xdata()) == [1, 2, 3]  # the first fit's epochs alone
    assert "refit train loss" in drawn(figure, tmp_path / "r.svg").read_text()


def test_the_embedding_map_is_a_pca(tmp_path):
    # Two tight groups far apart along one direction: PCA's first axis must split them.
    rng = np.random.default_rng(1)
    direction = rng.normal(size=20)
    vectors = np.stack([d * direction + rng.normal(0, 0.01, 20) for d in (5, 5.1, -5, -5.1)])
    figure = plots.embedding_map(["a", "b", "c", "d"], vectors)
    xs = [t.xy[0] for t in figure.axes[0].texts]
    assert np.sign(xs[0]) == np.sign(xs[1]) != np.sign(xs[2]) == np.sign(xs[3])


def test_bad_requests(tmp_path):
    with pytest.raises(DataError, match=r"\.png or \.svg"):
        plots.save(plots.training_curves(EPOCHS), tmp_path / "x.jpg")
    with pytest.raises(DataError, match="no epochs"):
        plots.training_curves([])
    with pytest.raises(DataError, match="at least two words"):
        plots.embedding_map(["a"], np.zeros((1, 3)))


def test_figures_of_a_run_and_the_cli(toy_run, tmp_path):
    view = RunView(toy_run)
    for kind in ("confusion", "curves", "lengths", "per-class"):
        drawn(view.figure(kind), tmp_path / f"{kind}.png")
    found, vectors = view.word_vectors(["great", "awful", "no-such-word"])
    assert found == ["great", "awful"] and vectors.shape == (2, 16)
    drawn(view.figure("embeddings", words=["great", "awful", "film"]), tmp_path / "e.png")
    for kind in FIGURES:
        args = ["plot", kind, str(toy_run), "--out", str(tmp_path / f"cli-{kind}.svg")]
        if kind == "embeddings":
            args += ["--words", "great awful superb dreadful"]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
    data = toy_run.parent / "toy.csv"
    args = ["plot", "lengths", "--data", str(data), "--max-length", "8"]
    result = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "lengths.svg")])
    assert result.exit_code == 0, result.output
    assert "max_length 8 (cuts" in (tmp_path / "lengths.svg").read_text()
    result = CliRunner().invoke(main, ["plot", "curves", "--out", str(tmp_path / "x.png")])
    assert result.exit_code == 2 and "give a RUN_DIR" in result.output
    choices = main.commands["plot"].params[0].type.choices
    assert tuple(choices) == FIGURES


@pytest.mark.mirror
def test_capitals_map_from_glove(mirror, tmp_path):
    out = tmp_path / "capitals.png"
    args = ["plot", "embeddings", "--vectors", "glove-6b-50d", "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert imread(out).std() > 0.05

"""The HTML report: complete, self-contained, and seen as a person would see it (headless
Chromium renders it; the screenshot must show the pictures, not blank or broken images)."""

import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from textnn.analysis.report import write_report
from textnn.cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


@pytest.fixture(scope="module")
def report(toy_run, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    write_report(toy_run, out, explanations=2, num_samples=300)
    return out


def test_the_report_holds_every_section_and_needs_no_network(report):
    page = report.read_text()
    for heading in (
        "Data",
        "Training",
        "Test results",
        "Most confidently misclassified",
        "Why: LIME explanations",
        "Configuration",
    ):
        assert f"<h2>{heading}" in page, heading
    images = re.findall(r'<img alt="([^"]+)" src="data:image/png;base64,', page)
    assert images == [
        "token lengths of the training split",
        "training curves",
        "confusion matrix",
        "per-class precision, recall and F1",
    ]
    # Nothing is fetched: no external sources, styles or scripts.
    assert not re.search(r'(src|href)="(?!data:)', page)
    assert "<script" not in page and "@import" not in page
    assert page.count('class="textnn-explanation"') == 2


def test_report_cli_writes_into_the_run_by_default(toy_run):
    result = CliRunner().invoke(main, ["report", str(toy_run), "--num-samples", "100"])
    assert result.exit_code == 0, result.output
    assert (toy_run / "report.html").is_file()


def chromium(args, tmp_path):
    profile = tmp_path / "profile"
    return subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)",
)
def test_chromium_shows_every_image(report, tmp_path):
    # A copy that records, once the page has loaded, whether each image decoded.
    probe = tmp_path / "probe.html"
    check = (
        "<script>window.addEventListener('load', () => { document.body.dataset.images = "
        "[...document.images].map(i => i.complete && i.naturalWidth > 0 ? 'ok' : 'broken')"
        ".join(','); });</script></body>"
    )
    probe.write_text(report.read_text().replace("</body>", check))
    dom = chromium(["--virtual-time-budget=5000", "--dump-dom", probe.as_uri()], tmp_path)
    assert dom.returncode == 0, dom.stderr[-2000:]
    status = re.search(r'data-images="([^"]*)"', dom.stdout)
    assert status, dom.stdout[:500]
    assert status.group(1).split(",") == ["ok"] * 4

    # The screenshot shows the plots: their blues (histogram, curves, confusion matrix) cover
    # a real part of the page, which the same page with broken images lacks.
    broken = tmp_path / "broken.html"
    broken.write_text(re.sub(r"base64,[^\"]+", "base64,AAAA", report.read_text()))
    shown, without = (blue_share(page, tmp_path) for page in (report, broken))
    assert shown > 0.01 and without < shown / 10, (shown, without)


def blue_share(page, tmp_path):
    from matplotlib.image import imread

    shot = tmp_path / f"{page.stem}.png"
    result = chromium(["--window-size=1200,2400", f"--screenshot={shot}", page.as_uri()], tmp_path)
    assert result.returncode == 0 and shot.is_file(), result.stderr[-2000:]
    pixels = imread(shot)[..., :3]
    assert pixels.std() > 0.1  # not a blank page
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    return float(((b > 0.5) & (b - r > 0.25) & (b - g > 0.1)).mean())

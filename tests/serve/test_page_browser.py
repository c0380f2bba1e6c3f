"""The web page in a real headless Chromium (Playwright driving Debian's chromium; Playwright's
own browser download is not reachable here): type a review, submit with the keyboard, read
the label, the bars and the highlighted words from the page, and keep a screenshot."""

import shutil

import pytest

from tests.serve.server import Server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)",
)


def test_type_submit_and_read_the_label_and_the_words(toy_run, tmp_path, record_property):
    from playwright.sync_api import sync_playwright

    server = Server(toy_run, log=tmp_path / "server.log")
    try:
        server.wait_ready()
        expected = server.post("/v1/predict", {"text": "a superb and delightful film"})[1]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page()
            page.goto(server.url + "/")
            page.get_by_label("Text to classify").fill("a superb and delightful film")
            page.keyboard.press("Control+Enter")
            page.wait_for_selector("[data-testid=explanation]:not([hidden])", timeout=60_000)
            label = page.text_content("[data-testid=label]")
            meters = page.eval_on_selector_all(
                "[role=meter]", "els => els.map(e => [e.ariaLabel, +e.ariaValueNow])"
            )
            marks = page.eval_on_selector_all(
                "[data-testid=explanation] mark",
                "els => els.map(e => [e.textContent, e.className, +e.dataset.weight])",
            )
            shot = tmp_path / "page.png"
            page.screenshot(path=str(shot), full_page=True)
            browser.close()
        record_property("screenshot", str(shot))
        print(f"screenshot: {shot}")
        assert label == expected["predictions"][0]["label"]
        assert {name for name, _ in meters} == {"neg", "pos"}
        served = expected["predictions"][0]["probabilities"]
        for name, value in meters:
            assert value == pytest.approx(served[name], abs=1e-3)
        words = {text: (kind, weight) for text, kind, weight in marks}
        assert set(words) <= {"a", "superb", "and", "delightful", "film"} and words
        assert all((kind == "for") == (weight > 0) for kind, weight in words.values())
        assert shot.stat().st_size > 1000
    finally:
        assert server.stop() == 0

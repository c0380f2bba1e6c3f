"""`textnn serve` as a real process on loopback: every route, every error status, the
micro-batcher's answers in input order and equal to the library's, and a clean shutdown."""

import threading
import time

import jax
import numpy as np
import pytest

from tests.helpers import BAD, GOOD
from tests.serve.server import Server
from textnn.runs.directory import load
from textnn.train.parallel import describe

LIMITS = ["--max-texts", "8", "--max-chars", "300", "--max-body-bytes", "6000"]


@pytest.fixture(scope="module")
def server(toy_run, tmp_path_factory):
    log = tmp_path_factory.mktemp("serve") / "server.log"
    s = Server(toy_run, *LIMITS, log=log)
    s.wait_ready()
    yield s
    assert s.stop() == 0


def test_predict_answers_in_order_as_the_library_does(server, toy_run):
    texts = ["a great wonderful film", "an awful boring plot", "the story was superb"]
    status, body = server.post("/v1/predict", {"texts": texts})
    assert status == 200
    assert body["model"] == "textcnn" and len(body["run"]) == 64
    served = np.array(
        [[p["probabilities"][c] for c in ("neg", "pos")] for p in body["predictions"]]
    )
    np.testing.assert_allclose(served, load(toy_run).predict_proba(texts), atol=1e-5)
    assert [p["label"] for p in body["predictions"]] == ["pos", "neg", "pos"]


def test_one_text_top_k_and_threshold(server):
    status, body = server.post(
        "/v1/predict", {"text": "a great film", "top_k": 2, "threshold": 0.5}
    )
    assert status == 200 and len(body["predictions"]) == 1
    p = body["predictions"][0]
    assert [t["label"] for t in p["top_k"]] == ["pos", "neg"]
    assert p["labels"] == ["pos"] and p["top_k"][0]["probability"] >= p["top_k"][1]["probability"]


def test_concurrent_requests_each_get_their_own_rows(server, toy_run):
    texts = [f"the film was {w} and the plot {v}" for w in GOOD[:4] for v in BAD[:4]]
    expected = load(toy_run).predict_proba(texts)
    results = {}

    def ask(i):
        results[i] = server.post("/v1/predict", {"texts": [texts[i]] * (1 + i % 3)})

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(texts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, (status, body) in results.items():
        assert status == 200 and len(body["predictions"]) == 1 + i % 3
        for p in body["predictions"]:
            served = [p["probabilities"]["neg"], p["probabilities"]["pos"]]
            np.testing.assert_allclose(served, expected[i], atol=1e-5)


@pytest.mark.parametrize(
    "body, field",
    [
        ({"texts": ["ok"] * 9}, "texts"),  # more than --max-texts
        ({"texts": ["word " * 100]}, "texts[0]"),  # more than --max-chars
        ({"texts": ["fine", "  "]}, "texts[1]"),  # empty
        ({"texts": 5}, "texts"),  # wrong type
        ({"texts": ["a"], "text": "b"}, "texts"),  # both
        ({}, "texts"),  # neither
        ({"texts": ["a film"], "top_k": 3}, "top_k"),  # more than the classes
        ({"texts": ["a film"], "threshold": 2}, "threshold"),
        ({"texts": ["a film"], "colour": "red"}, "colour"),  # unknown field
    ],
)
def test_bad_requests_are_422_naming_the_field(server, body, field):
    status, answer = server.post("/v1/predict", body)
    assert status == 422, answer
    assert answer["error"]["field"] == field and answer["error"]["message"]


def test_truncate_cuts_instead_of_refusing(server):
    status, body = server.post("/v1/predict", {"texts": ["great " * 100], "truncate": True})
    assert status == 200 and body["predictions"][0]["label"] == "pos"


def test_malformed_json_oversized_body_and_unknown_route(server):
    status, answer = server.post("/v1/predict", raw=b'{"texts": ["unclosed"')
    assert status == 422 and answer["error"]["field"] == "body"
    status, answer = server.post("/v1/predict", raw=b'{"texts": ["' + b"a" * 7000 + b'"]}')
    assert status == 413 and answer["error"]["field"] == "body"
    status, answer = server.get("/v2/nothing")
    assert status == 404 and "/v2/nothing" in answer["error"]["message"]
    # The server is unharmed.
    assert server.post("/v1/predict", {"text": "a great film"})[0] == 200


def test_explain_info_probes_metrics_and_page(server):
    status, body = server.post("/v1/explain", {"text": "a great film", "num_samples": 200})
    assert status == 200 and body["label"] == "pos"
    assert dict(body["weights"])["great"] > 0
    again = server.post("/v1/explain", {"text": "a great film", "num_samples": 200})[1]
    assert again["weights"] == body["weights"]  # seeded
    assert server.post("/v1/explain", {"text": "a film", "num_samples": 10**6})[0] == 422
    assert server.post("/v1/explain", {"text": "a film", "label": "meh"})[0] == 422
    status, info = server.get("/v1/info")
    assert status == 200 and info["labels"] == ["neg", "pos"] and info["ready"]
    assert info["limits"]["max_texts"] == 8 and info["compiled_shapes"] > 0
    assert info["device"] == describe(jax.devices()[:1])  # the server's device, e.g. "gpu (...)"
    assert server.get("/livez") == (200, {"status": "live"})
    assert server.get("/readyz") == (200, {"status": "ready"})
    assert server.post("/v1/predict", {"text": "a great film"})[0] == 200  # counted below
    status, text = server.get("/metrics")
    assert status == 200 and 'textnn_requests_total{route="/v1/predict",status="200"}' in text
    assert "textnn_batch_texts_bucket" in text and "textnn_texts_classified_total" in text
    status, page = server.get("/")
    assert status == 200 and '<textarea id="text"' in page
    status, spec = server.get("/openapi.json")
    assert status == 200 and "/v1/predict" in spec["paths"]


def test_key_full_queue_and_shutdown_that_finishes_the_queue(toy_run, tmp_path):
    """A server whose first text waits 3 s for others, with room for one queued text: a
    second request is a 503; SIGTERM while the first waits still answers it, then exits 0."""
    s = Server(
        toy_run, "--max-queue", "1", "--max-wait-ms", "3000",
        log=tmp_path / "server.log", env={"TEXTNN_API_KEY": "s3cret"},
    )  # fmt: skip
    key = {"Authorization": "Bearer s3cret"}
    try:
        s.wait_ready(headers=key)
        assert s.get("/livez")[0] == 200  # probes need no key
        status, answer = s.get("/v1/info")
        assert status == 401 and answer["error"]["field"] == "authorization"
        first = {}
        waiting = threading.Thread(
            target=lambda: first.update(r=s.post("/v1/predict", {"text": "a great film"}, key))
        )
        waiting.start()
        time.sleep(1.0)
        status, answer = s.post("/v1/predict", {"text": "an awful film"}, key)
        assert status == 503 and "queued" in answer["error"]["message"]
        assert s.last_headers.get("retry-after") == "1"
        s.process.terminate()
        waiting.join(timeout=30)
        assert first["r"][0] == 200 and first["r"][1]["predictions"][0]["label"] == "pos"
        assert s.process.wait(timeout=30) == 0
    finally:
        s.stop()


@pytest.mark.parametrize(
    "flags", [["--max-batch", "0"], ["--workers", "0"], ["--max-wait-ms", "-1"]]
)
def test_bad_limits_are_usage_errors(toy_run, flags):
    from click.testing import CliRunner

    from textnn.cli import main

    result = CliRunner().invoke(main, ["serve", str(toy_run), *flags])
    assert result.exit_code == 2 and "Error" in result.output


def test_a_damaged_run_is_refused_before_serving(tmp_path):
    from click.testing import CliRunner

    from textnn.cli import main

    (tmp_path / "run").mkdir()
    result = CliRunner().invoke(main, ["serve", str(tmp_path / "run")])
    assert result.exit_code == 2 and "error:" in result.output


def test_two_worker_processes_answer_as_one_and_stop_on_sigterm(toy_run, tmp_path):
    """--workers 2: uvicorn's worker processes each build the app from the command's settings;
    answers are the library's, and SIGTERM stops them all with exit 0."""
    s = Server(toy_run, "--workers", "2", log=tmp_path / "server.log")
    try:
        s.wait_ready()
        texts = ["a great wonderful film", "an awful boring plot"]
        expected = load(toy_run).predict_proba(texts)
        for _ in range(4):  # requests spread over the workers
            status, body = s.post("/v1/predict", {"texts": texts})
            assert status == 200
            served = [[p["probabilities"][c] for c in ("neg", "pos")] for p in body["predictions"]]
            np.testing.assert_allclose(served, expected, atol=1e-5)
    finally:
        assert s.stop() == 0


def test_a_quantized_run_is_served_as_the_library_predicts_it(toy_run, tmp_path):
    from textnn.runs.compact import quantize_run

    quantize_run(toy_run, tmp_path / "small", "int8")
    s = Server(tmp_path / "small", log=tmp_path / "server.log")
    try:
        s.wait_ready()
        texts = ["a great wonderful film", "an awful boring plot"]
        status, body = s.post("/v1/predict", {"texts": texts})
        assert status == 200
        served = [[p["probabilities"][c] for c in ("neg", "pos")] for p in body["predictions"]]
        expected = load(tmp_path / "small").predict_proba(texts)
        np.testing.assert_allclose(served, expected, atol=1e-5)
    finally:
        assert s.stop() == 0

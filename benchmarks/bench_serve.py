"""`textnn serve` under load, on loopback: throughput and latency at 1 to 256 concurrent
clients, single reviews and 32-review requests, micro-batching on and off; the same load with
1% malformed or oversized requests mixed in; and the simplest server a user would write
instead (FastAPI calling Predictor.predict_proba per request), in the same run.

The load generator is asyncio over keep-alive HTTP/1.1 connections (one per client), on the
same machine as the server: its own CPU use is part of the figure.

    python benchmarks/bench_serve.py --run runs/demo --nbsvm-run runs/imdb-nbsvm
    python benchmarks/bench_serve.py --quick      # a smoke run on a tiny model, seconds
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

NAIVE_APP = """
import sys
from fastapi import FastAPI
from pydantic import BaseModel
from textnn.runs.directory import load

predictor = load(sys.argv[1])
app = FastAPI()

class Body(BaseModel):
    texts: list[str]

@app.post("/v1/predict")
def predict(body: Body):
    probs = predictor.predict_proba(body.texts)
    return {"predictions": [{"label": predictor.label_names[int(p.argmax())]} for p in probs]}

if __name__ == "__main__":
    import uvicorn
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def merged(parts: list[dict]) -> dict:
    """One row from the rows of consecutive loads: counts and times added, latencies the
    worst quarter's (p50 the median of the quarters')."""
    seconds = sum(p["seconds"] for p in parts)
    requests = sum(p["requests"] for p in parts)
    texts = sum(p["texts_per_s"] * p["seconds"] for p in parts)
    return {
        "requests": requests,
        "seconds": round(seconds, 2),
        "texts_per_s": round(texts / seconds, 1),
        "p50_ms": round(float(np.median([p["p50_ms"] for p in parts])), 2),
        "p99_ms": max(p["p99_ms"] for p in parts),
        "max_ms": max(p["max_ms"] for p in parts),
        "errors": sum(p["errors"] for p in parts),
        "connections_closed": sum(p["connections_closed"] for p in parts),
        "error_kinds": sorted({k for p in parts for k in p["error_kinds"]}),
    }


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def start(command: list[str], port: int, log: Path, env: dict | None = None) -> subprocess.Popen:
    """The server `command` started, once it answers 200 on /readyz (or /openapi.json)."""
    process = subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 300
    probe = "/readyz" if "serve" in command else "/openapi.json"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
        try:
            status, _ = asyncio.run(_one(port, "GET", probe, b""))
            if status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("server not ready")


async def _one(port: int, method: str, path: str, body: bytes) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        return await _exchange(reader, writer, method, path, body)
    finally:
        writer.close()


async def _exchange(reader, writer, method, path, body) -> tuple[int, bytes]:
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    writer.write(head.encode() + body)
    await writer.drain()
    status_line = await reader.readline()
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    payload = await reader.readexactly(length)
    return int(status_line.split()[1]), payload


async def load(port: int, clients: int, requests: int, bodies: list[bytes], bad_share: float,
               check, seconds: float | None = None) -> dict:  # fmt: skip
    """`requests` POSTs to /v1/predict from `clients` connections (fewer when `seconds` run
    out first); `bad_share` of them are malformed or oversized. Returns latencies,
    throughput and what went wrong."""
    rng = random.Random(0)
    plan = [
        ("bad" if rng.random() < bad_share else "good", rng.choice(bodies)) for _ in range(requests)
    ]
    cursor, latencies, wrong, texts, sent = 0, [], [], 0, 0
    stop_at = None if seconds is None else time.perf_counter() + seconds
    bad_bodies = [
        b'{"texts": ["unclosed"',
        b'{"texts": 5}',
        b'{"texts": ["' + b"x" * 200_000 + b'"]}',
    ]

    async def client():
        nonlocal cursor, texts, sent
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while cursor < len(plan) and (stop_at is None or time.perf_counter() < stop_at):
                kind, body = plan[cursor]
                cursor += 1
                sent += 1
                if kind == "bad":
                    body = rng.choice(bad_bodies)
                started = time.perf_counter()
                try:
                    status, payload = await _exchange(reader, writer, "POST", "/v1/predict", body)
                except (ConnectionError, asyncio.IncompleteReadError):
                    wrong.append("connection closed")  # the server closes after a 413
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    continue
                latency = time.perf_counter() - started
                if kind == "good":
                    latencies.append(latency)
                    if status != 200 or not check(body, payload):
                        wrong.append(f"good request answered {status}")
                    else:
                        texts += len(json.loads(body)["texts"])
                elif not 400 <= status < 500:
                    wrong.append(f"bad request answered {status}")
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "requests": sent,
        "seconds": round(elapsed, 2),
        "texts_per_s": round(texts / elapsed, 1),
        "p50_ms": round(1000 * ordered[len(ordered) // 2], 2) if ordered else None,
        "p99_ms": round(1000 * ordered[int(len(ordered) * 0.99)], 2) if ordered else None,
        "max_ms": round(1000 * ordered[-1], 2) if ordered else None,
        "errors": len([w for w in wrong if w != "connection closed"]),
        "connections_closed": wrong.count("connection closed"),
        "error_kinds": sorted(set(wrong))[:5],
    }


def checker(expected: dict[bytes, list[str]]):
    def check(body: bytes, payload: bytes) -> bool:
        labels = [p["label"] for p in json.loads(payload)["predictions"]]
        return labels == expected[body]

    return check


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--run", default="runs/demo", help="the IMDb TextCNN run (make demo)")
    parser.add_argument("--nbsvm-run", help="an nbsvm run on IMDb")
    parser.add_argument("--requests", type=int, default=4000, help="requests per setting")
    parser.add_argument("--long", type=int, default=100_000, help="requests of the long run")
    parser.add_argument("--seconds", type=float, default=10.0, help="at most, per setting")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    from textnn.data import load_dataset
    from textnn.runs.directory import load as load_run

    runs = {"textcnn": args.run, **({"nbsvm": args.nbsvm_run} if args.nbsvm_run else {})}
    reviews = load_dataset("imdb", splits=["test"]).test.texts if not args.quick else None
    work = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    if args.quick:
        runs, reviews = (
            {"toy": str(_toy_run(work))},
            [f"a great film number {i}" for i in range(64)],
        )
        args.requests, args.long = 200, 400
    rng = random.Random(1)
    sample = rng.sample(reviews, min(len(reviews), 512))
    results = {"runs": {}}
    for name, run_dir in runs.items():
        predictor = load_run(run_dir)
        singles = [json.dumps({"texts": [t]}).encode() for t in sample[:256]]
        # (the smoke run's 64 texts make 2 groups: an empty group would be a bad request)
        groups = [
            json.dumps({"texts": sample[i : i + 32]}).encode()
            for i in range(0, min(256, len(sample)), 32)
        ]
        expected = {}
        for body in singles + groups:
            texts = json.loads(body)["texts"]
            expected[body] = predictor.predict(texts)
        check = checker(expected)
        rows = []
        for batching in ("on", "off"):
            port = free_port()
            flags = ["--max-batch", "64" if batching == "on" else "1", "--max-queue", "100000",
                     "--max-body-bytes", "100000"]  # fmt: skip
            command = [
                sys.executable,
                "-m",
                "textnn.cli",
                "serve",
                run_dir,
                "--port",
                str(port),
                *flags,
            ]
            process = start(command, port, work / f"{name}-{batching}.log")
            rss_start = rss_mb(process.pid)
            for payload, bodies in (("1 review", singles), ("32 reviews", groups)):
                for clients in (1, 16, 64, 256):
                    row = asyncio.run(
                        load(port, clients, args.requests, bodies, 0.0, check, args.seconds)
                    )
                    rows.append({"server": f"textnn serve, batching {batching}", "payload": payload,
                                 "clients": clients, **row})  # fmt: skip
                    print(rows[-1], flush=True)
            if batching == "on":
                row = asyncio.run(load(port, 64, args.requests, singles, 0.01, check))
                rows.append({"server": "textnn serve, batching on, 1% bad requests",
                             "payload": "1 review", "clients": 64, **row})  # fmt: skip
                print(rows[-1], flush=True)
                # RSS at the server's start, before the long run (after the loads above) and
                # after each quarter of it: flat memory levels off, a leak keeps climbing.
                before_long = rss_mb(process.pid)
                quarters, parts = [], []
                for _ in range(4):
                    parts.append(asyncio.run(load(port, 64, args.long // 4, singles, 0.0, check)))
                    quarters.append(rss_mb(process.pid))
                long = merged(parts)
                memory = {"rss_mb_start": rss_start, "rss_mb_before_long": before_long,
                          "rss_mb_quarters": quarters, "rss_mb_end": quarters[-1]}  # fmt: skip
                rows.append({"server": "textnn serve, batching on (long run)",
                             "payload": "1 review", "clients": 64, **long, **memory})  # fmt: skip
                print(rows[-1], flush=True)
            process.terminate()
            process.wait(timeout=60)
        port = free_port()
        script = work / "naive.py"
        script.write_text(NAIVE_APP)
        process = start([sys.executable, str(script), run_dir, str(port)], port, work / "naive.log")
        for clients in (1, 64):
            row = asyncio.run(load(port, clients, args.requests, singles, 0.0, check, args.seconds))
            rows.append({"server": "naive FastAPI (predict_proba per request)",
                         "payload": "1 review", "clients": clients, **row})  # fmt: skip
            print(rows[-1], flush=True)
        process.terminate()
        process.wait(timeout=60)
        results["runs"][name] = {"run": run_dir, "rows": rows}
    if args.quick:
        print("quick run: nothing written")
        return
    common.write("serve", results)


def _toy_run(work: Path) -> Path:
    from textnn.config import RunConfig
    from textnn.data.dataset import Dataset, Examples
    from textnn.runs.pipeline import train

    texts = [f"a {'great' if i % 2 else 'awful'} film number {i}" for i in range(200)]
    data = Dataset(
        "toy", ["neg", "pos"], {"train": Examples(texts, (np.arange(200) % 2).astype(np.int32))}
    )
    config = RunConfig().with_overrides({"model": "nbsvm", "embeddings": None, "train.epochs": 1})
    train(config, work / "toy", dataset=data, echo=lambda _: None)
    return work / "toy"


if __name__ == "__main__":
    main()

"""A real `textnn serve` process on a free loopback port, for the tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, run_dir: Path, *flags: str, log: Path, env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        command = [sys.executable, "-m", "textnn.cli", "serve", str(run_dir), "--port",
                   str(self.port), *flags]  # fmt: skip
        self.output = log.open("w")  # closed by stop()
        self.process = subprocess.Popen(
            command, stdout=self.output, stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )  # fmt: skip
        self.last_headers = {}

    def wait_ready(self, timeout: float = 120.0, headers: dict | None = None) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                status, _ = self.get("/readyz", headers=headers)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"server not ready in {timeout} s: {self.log.read_text()[-2000:]}")

    def request(self, method: str, path: str, body=None, headers=None, raw: bytes | None = None):
        """(status, JSON body or text) of one request."""
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, payload, kind = response.status, response.read(), response.headers
        except urllib.error.HTTPError as err:
            status, payload, kind = err.code, err.read(), err.headers
        self.last_headers = {k.lower(): v for k, v in kind.items()}
        if "json" in kind.get("Content-Type", ""):
            return status, json.loads(payload)
        return status, payload.decode()

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post(self, path, body=None, headers=None, raw=None):
        return self.request("POST", path, body, headers, raw)

    def stop(self) -> int:
        """SIGTERM, then the exit status."""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            return self.process.wait(timeout=60)
        finally:
            self.output.close()

"""`textnn serve`: a trained run as an HTTP service (FastAPI on uvicorn), with micro-batching,
limits, Prometheus metrics and a web page. `textnn.serve.app(run_dir)` is the ASGI app."""

from textnn.serve.app import app
from textnn.serve.settings import ServeSettings

__all__ = ["ServeSettings", "app"]

"""`textnn serve`: parses its flags into ServeSettings and runs `serve.app` on uvicorn."""

from __future__ import annotations

import json
import os

import click

from textnn.cli.main import main
from textnn.cli.options import VOTE_WITH


@main.command()
@click.argument("run_dir", type=click.Path())
@VOTE_WITH
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind to.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on (0: any free).")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    help="Server processes (each loads the run and compiles its shapes).",
)
@click.option(
    "--max-batch",
    default=64,
    show_default=True,
    help="Texts per model call; concurrent requests are gathered up to it (1: batching off).",
)
@click.option(
    "--max-wait-ms",
    default=5.0,
    show_default=True,
    help="How long a batch's first text waits for others.",
)
@click.option(
    "--max-queue",
    default=4096,
    show_default=True,
    help="Texts waiting at most; more: 503 with Retry-After.",
)
@click.option("--max-texts", default=256, show_default=True, help="Texts per request.")
@click.option(
    "--max-chars",
    default=20_000,
    show_default=True,
    help='Characters per text (more: 422, unless the request asks "truncate": true).',
)
@click.option(
    "--max-body-bytes", default=4_000_000, show_default=True, help="Request body size (more: 413)."
)
@click.option(
    "--explain-samples",
    default=2000,
    show_default=True,
    help="The most LIME samples an explanation may ask for.",
)
@click.option(
    "--api-key",
    envvar="TEXTNN_API_KEY",
    help="Require 'Authorization: Bearer KEY' on every route but /livez (or set TEXTNN_API_KEY).",
)
@click.option(
    "--cors-origin",
    "cors",
    multiple=True,
    help="An origin allowed to call from a browser (repeat for more; default: CORS off).",
)
def serve(run_dir, vote_with, host, port, workers, cors, **limits) -> None:
    """Serve a trained run over HTTP: POST /v1/predict, POST /v1/explain, GET /v1/info,
    /livez, /readyz (200 once every batch shape is compiled), /metrics (Prometheus), a web
    page at /, and /openapi.json. Ctrl+C or SIGTERM: stop accepting, finish what is queued,
    exit 0.

    \b
    Examples:
      textnn serve runs/demo
      textnn serve runs/demo --vote-with runs/nbsvm --port 8080 --api-key s3cret
      curl -s localhost:8000/v1/predict -H 'Content-Type: application/json' \\
           -d '{"texts": ["A moving, beautifully acted film."], "top_k": 1}'
    """
    import uvicorn

    from textnn.serve.app import app
    from textnn.serve.runner import run
    from textnn.serve.settings import ServeSettings

    try:
        settings = ServeSettings(**limits, cors_origins=tuple(cors))
    except ValueError as err:
        raise click.UsageError(f"{err} (see textnn serve --help)") from None
    if workers < 1:
        raise click.BadParameter(f"at least 1, got {workers}", param_hint="--workers")
    if host not in ("127.0.0.1", "localhost", "::1") and settings.api_key is None:
        click.echo(
            f"warning: serving on {host} without --api-key: anyone who can reach it can use it",
            err=True,
        )
    options = {"host": host, "port": port, "log_level": "info", "timeout_graceful_shutdown": 30}
    if workers > 1:  # each worker process builds the app from the settings in its environment
        os.environ["TEXTNN_SERVE"] = json.dumps(
            {
                "run_dir": run_dir,
                "vote_with": list(vote_with),
                "settings": {k: v for k, v in limits.items()},
                "cors": list(cors),
            }
        )
        uvicorn.run("textnn.serve.app:from_environment", factory=True, workers=workers, **options)
        return
    run(app(run_dir, vote_with, settings), **options)

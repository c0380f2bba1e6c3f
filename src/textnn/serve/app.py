"""The HTTP service of a trained run: `app(run_dir)` is the ASGI app (FastAPI) that `textnn
serve` runs with uvicorn, and that users can mount in their own service.

Routes: POST /v1/predict, POST /v1/explain, GET /v1/info, GET /livez, GET /readyz, GET
/metrics (Prometheus), GET / (the web page), GET /openapi.json (the API's description).
The run is loaded through the verified loader (a torn or damaged run is refused at start);
/readyz answers 200 once every batch shape is compiled, so the first request is as fast as
the hundredth.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from collections.abc import Sequence
from contextlib import asynccontextmanager
from dataclasses import asdict
from pathlib import Path

import jax
import numpy as np
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from textnn.analysis.explain import explain
from textnn.errors import DataError
from textnn.runs.ensemble import load_outputs
from textnn.runs.manifest import MANIFEST
from textnn.runs.predictor import Outputs
from textnn.serve.batching import MicroBatcher, QueueFull
from textnn.serve.engine import Engine
from textnn.serve.metrics import ServeMetrics
from textnn.serve.middleware import BodyLimit, error, install
from textnn.serve.page import PAGE
from textnn.serve.schemas import ExplainRequest, PredictRequest
from textnn.serve.settings import ServeSettings
from textnn.train.parallel import describe


def run_hash(run_dir: Path) -> str:
    """The run's content hash: the sha256 of its manifest, which lists every file's sha256
    (of its parameters file for a run written before manifests)."""
    path = run_dir / MANIFEST
    if not path.is_file():
        path = run_dir / "params.safetensors"
    return hashlib.sha256(path.read_bytes()).hexdigest()


def app(
    run_dir: str | Path,
    vote_with: Sequence[str | Path] = (),
    settings: ServeSettings | None = None,
) -> FastAPI:
    """The ASGI app serving `run_dir` (with `vote_with`: the soft vote of it and those runs;
    an autotuned run's own vote is taken as it is)."""
    settings = settings or ServeSettings()
    run_dir = Path(run_dir)
    outputs = load_outputs(run_dir, vote_with)
    engine = Engine(outputs, settings.max_batch)
    metrics = ServeMetrics()
    batcher = MicroBatcher(
        engine.probabilities,
        settings.max_batch,
        settings.max_wait_ms,
        settings.max_queue,
        on_batch=metrics.batch_size.observe,
    )
    labels = engine.label_names
    identity = {"model": _model_name(outputs), "run": run_hash(run_dir)}
    device = describe(jax.devices()[:1])  # where predict_step runs (JAX's default device)
    ready = asyncio.Event()

    @asynccontextmanager
    async def lifespan(_: FastAPI):
        batcher.start()
        warming = asyncio.create_task(_warm(engine, ready))
        yield
        warming.cancel()
        await batcher.close()  # finish what is queued before the process exits

    service = FastAPI(
        title="textnn",
        summary=f"Text classification with the run {run_dir.name}",
        lifespan=lifespan,
        docs_url=None,  # Swagger UI and ReDoc load from a CDN; /openapi.json works offline
        redoc_url=None,
    )
    install(service, metrics, settings.api_key)
    if settings.cors_origins:
        service.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    service.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)

    def texts_of(texts: list[str], truncate: bool, field: str) -> list[str] | JSONResponse:
        if len(texts) > settings.max_texts:
            return error(422, f"{len(texts)} texts; at most {settings.max_texts}", field)
        out = []
        for i, text in enumerate(texts):
            where = f"{field}[{i}]" if field == "texts" else field
            if not text.strip():
                return error(422, "empty or whitespace only: nothing to classify", where)
            if len(text) > settings.max_chars:
                if not truncate:
                    return error(
                        422,
                        f"{len(text):,} characters; at most {settings.max_chars:,} (or ask "
                        '"truncate": true)',
                        where,
                    )
                text = text[: settings.max_chars]
            out.append(text)
        return out

    @service.post("/v1/predict")
    async def predict(request: PredictRequest):
        """Each text's label and every class's probability, in input order."""
        if (request.texts is None) == (request.text is None):
            return error(422, 'give "texts" (a list) or "text" (one), not both', "texts")
        texts = texts_of(
            request.texts if request.texts is not None else [request.text],
            request.truncate,
            "texts" if request.texts is not None else "text",
        )
        if isinstance(texts, JSONResponse):
            return texts
        if not texts:
            return error(422, "no texts: give at least one", "texts")
        if request.top_k is not None and request.top_k > len(labels):
            return error(422, f"top_k {request.top_k}: the run has {len(labels)} classes", "top_k")
        metrics.queue_depth.set(batcher.queued_texts + len(texts))
        try:
            probs = await batcher.submit(texts)
        except QueueFull as err:
            return error(503, f"busy: {err}; try again shortly", headers={"Retry-After": "1"})
        finally:
            metrics.queue_depth.set(batcher.queued_texts)
        metrics.texts.inc(len(texts))
        predictions = [_prediction(outputs, p, request.top_k, request.threshold) for p in probs]
        return {**identity, "predictions": predictions}

    @service.post("/v1/explain")
    async def explain_route(request: ExplainRequest):
        """LIME weights of the words of one text, for the predicted class or `label`."""
        if request.num_samples > settings.explain_samples:
            return error(
                422,
                f"num_samples {request.num_samples}; at most {settings.explain_samples}",
                "num_samples",
            )
        if request.label is not None and request.label not in labels:
            return error(422, f"unknown label {request.label!r}; the run's: {labels}", "label")
        texts = texts_of([request.text], request.truncate, "text")
        if isinstance(texts, JSONResponse):
            return texts
        explained = await asyncio.to_thread(
            explain,
            _EngineOutputs(engine),
            texts[0],
            classes=[request.label] if request.label else None,
            num_features=request.num_features,
            num_samples=request.num_samples,
            seed=request.seed,
        )
        return {**identity, **explained.to_dict()}

    @service.get("/v1/info")
    async def info():
        """The run, its classes and how it reads text, the device it runs on, the server's limits
        and version."""
        first = engine.members[0][0].predictor
        limits = {k: v for k, v in asdict(settings).items() if k != "api_key"}
        return {
            **identity,
            "labels": labels,
            "multilabel": outputs.multilabel,
            "tokenizer": first.tokenizer.to_config(),
            "max_length": first.text.max_length,
            "members": [e.predictor.model_name for e, _ in engine.members],
            "compiled_shapes": engine.shapes,
            "device": device,
            "limits": {**limits, "cors_origins": list(settings.cors_origins)},
            "auth": settings.api_key is not None,
            "textnn_version": _version(),
            "ready": ready.is_set(),
        }

    @service.get("/livez")
    async def livez():
        return {"status": "live"}

    @service.get("/readyz")
    async def readyz():
        if not ready.is_set():
            return JSONResponse({"status": "compiling"}, status_code=503)
        return {"status": "ready"}

    @service.get("/metrics")
    async def prometheus():
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @service.get("/", response_class=HTMLResponse)
    async def page():
        return PAGE

    return service


async def _warm(engine: Engine, ready: asyncio.Event) -> None:
    await asyncio.to_thread(engine.warm_up)
    ready.set()


def _prediction(outputs: Outputs, p: np.ndarray, top_k, threshold) -> dict:
    """One text's answer: its most probable `label`, the `labels` chosen as `textnn predict`
    chooses them (`Outputs.choose`: multi-label runs, each label's threshold), every class's
    probability, and with `top_k` the k most probable."""
    labels = outputs.label_names
    out = {
        "label": labels[int(p.argmax())],
        "labels": [name for name, _ in outputs.choose(p[None], top_k, threshold)[0]],
        "probabilities": {name: float(v) for name, v in zip(labels, p, strict=True)},
    }
    if top_k is not None:
        order = np.argsort(-p, kind="stable")[:top_k]
        out["top_k"] = [{"label": labels[i], "probability": float(p[i])} for i in order]
    return out


class _EngineOutputs:
    """The engine as LIME's classifier: its fixed shapes, so an explanation compiles nothing."""

    def __init__(self, engine: Engine):
        self.engine, self.label_names = engine, engine.label_names

    def predict_proba(self, texts, allow_empty: bool = False, batch_size=None) -> np.ndarray:
        return self.engine.probabilities(list(texts))


def _model_name(outputs) -> str:
    predictors = getattr(outputs, "predictors", [outputs])
    names = [p.model_name for p in predictors]
    return names[0] if len(names) == 1 else "vote(" + ", ".join(names) + ")"


def _version() -> str:
    from textnn import __version__

    return __version__


def from_environment() -> FastAPI:
    """The app that `textnn serve --workers N` starts in each worker process, from the settings
    the command put in TEXTNN_SERVE (JSON)."""
    try:
        given = json.loads(os.environ["TEXTNN_SERVE"])
    except (KeyError, ValueError) as err:
        raise DataError(f"TEXTNN_SERVE holds no server settings ({err})") from None
    settings = ServeSettings(**{**given["settings"], "cors_origins": tuple(given["cors"])})
    return app(given["run_dir"], given["vote_with"], settings)

"""Run directories: everything needed to predict later, written by `save_run` and read back
into a Predictor by `load`.

A run directory holds:
  run.json            format version, model name and config, tokenizer and text settings,
                      label names, whether multi-label and its thresholds, dataset name,
                      textnn version; for a quantized run (`textnn quantize`), how
                      and which tables
  config.json         the full RunConfig it was trained with
  vocab.json          the vocabulary (built from the training split)
  params.safetensors  the parameters (best validation epoch)
  metrics.jsonl       one line per epoch
  report.json         the test evaluation, when there was a test split
  manifest.json       each file's size and sha256, written last (runs/manifest.py): whether the
                      training finished, and what load() checks
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import numpy as np

from textnn.config import TextConfig
from textnn.errors import DataError
from textnn.jsonfile import read_document
from textnn.models import build_model
from textnn.models.params import (
    parameter_arrays,
    parameter_bytes,
    read_parameters,
    restore_parameters,
)
from textnn.models.quantize import restore_quantized
from textnn.runs import manifest
from textnn.runs.predictor import Predictor
from textnn.text.tokenize import Tokenizer
from textnn.text.vocab import Vocab

FORMAT, VERSION = "textnn.run", 1


# The files a run is made of, each in its manifest; `metrics.jsonl` is a log beside them.
RUN_FILES = ("run.json", "config.json", "vocab.json", "params.safetensors", "report.json")
LOG = "metrics.jsonl"
# An autotuned run's soft vote (its other members are runs under `members/`) and its trials.
VOTE_FILE, TRIALS_FILE, MEMBERS = "vote.json", "autotune.jsonl", "members"
VOTE_FORMAT = "textnn.vote"
# An autotune search in progress keeps its state here (tune/progress.py) until it finishes.
SEARCH = "search"


def save_run(
    run_dir: Path,
    predictor: Predictor,
    *,
    dataset: str,
    config_dict: dict,
    finished: bool = True,
) -> None:
    """Write the run's files and commit them together (`manifest.commit`): `finished` False
    for the best epoch so far of a training still going on."""
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "model": predictor.model_name,
        "model_config": predictor.model.config.to_dict(),
        "tokenizer": predictor.tokenizer.to_config(),
        "text": asdict(predictor.text),
        "label_names": predictor.label_names,
        "multilabel": predictor.multilabel,
        "thresholds": None if predictor.thresholds is None else predictor.thresholds.tolist(),
        "dataset": dataset,
        "textnn_version": _version(),
    }
    if predictor.quantized is not None:
        meta["quantized"] = predictor.quantized
    files = {
        "run.json": _json_bytes(meta),
        "config.json": _json_bytes(config_dict),
        "vocab.json": json.dumps(predictor.vocab.to_dict(), ensure_ascii=False).encode(),
        "params.safetensors": parameter_bytes(predictor.model),
    }
    manifest.commit(run_dir, files, finished=finished)


def finish_run(run_dir: Path, report: dict | None) -> None:
    """Mark a run complete, with its test report (`report.json`) when there is one; the
    finished log of its epochs joins the manifest too."""
    files = {} if report is None else {"report.json": _json_bytes(report)}
    if (run_dir / LOG).is_file():
        files[LOG] = (run_dir / LOG).read_bytes()
    manifest.commit(run_dir, files, finished=True)


def prepare_run_dir(run_dir: Path, overwrite: bool) -> None:
    """Refuse a folder that already holds something unless `overwrite`; with it, clear the
    earlier run's files (its manifest first, so that a new run killed early is never taken for
    the old one). Files that are not a run's stay. Nothing is created here: the folder appears
    with the run's first file, once the data has loaded."""
    if run_dir.exists() and not run_dir.is_dir():
        raise DataError("exists and is not a folder: choose another --out", path=run_dir)
    if run_dir.is_dir() and any(run_dir.iterdir()):
        if not overwrite:
            raise DataError(
                "already exists and is not empty: choose another --out, or pass --overwrite "
                "(overwrite=True) to replace the run in it",
                path=run_dir,
            )
        manifest.clear(
            run_dir, (*RUN_FILES, LOG, VOTE_FILE, TRIALS_FILE), ("checkpoints", MEMBERS, SEARCH)
        )


def _json_bytes(document: dict) -> bytes:
    return (json.dumps(document, indent=2) + "\n").encode()


def load(run_dir: str | Path, *, allow_unfinished: bool = False) -> Predictor:
    """Restore a run's Predictor. Every file is checked against the run's manifest first: a
    missing, damaged or changed file, non-finite parameters, or a run whose training did not
    finish (unless `allow_unfinished`) raise DataError naming it."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise DataError(
            "run directory not found (train one with `textnn train ... --out DIR`)", path=run_dir
        )
    if not (run_dir / "run.json").exists() and not (run_dir / manifest.MANIFEST).exists():
        raise DataError(
            "holds no run (no run.json): train one with `textnn train ... --out DIR`, or give "
            "the folder the run was written to",
            path=run_dir,
        )
    manifest.verify(run_dir, allow_unfinished=allow_unfinished)
    meta_path = run_dir / "run.json"
    meta = read_document(meta_path, FORMAT, "run")
    if meta.get("version", 0) > VERSION:
        raise DataError(
            f"written by a newer textnn (format {meta['version']}); upgrade textnn", path=meta_path
        )
    try:
        vocab = Vocab.load(run_dir / "vocab.json")
        text = TextConfig(**meta["text"])
        tokenizer = Tokenizer.from_config(meta["tokenizer"])
        config = dict(meta["model_config"])
        name, labels = meta["model"], meta["label_names"]
        multilabel = bool(meta.get("multilabel", False))  # runs from before multi-label: no
        thresholds = meta.get("thresholds")
        if thresholds is not None:
            thresholds = np.asarray(thresholds, np.float32)
            if thresholds.shape != (len(labels),) or not np.isfinite(thresholds).all():
                raise TypeError("'thresholds'")
        quantized = meta.get("quantized")
        if quantized is not None and not (
            isinstance(quantized, dict)
            and isinstance(quantized.get("tables"), list)
            and all(isinstance(t, str) for t in quantized["tables"])
        ):
            raise TypeError("'quantized'")
    except (KeyError, TypeError, ValueError) as err:
        raise DataError(f"damaged run file (missing or bad {err})", path=meta_path) from None
    # Pretrained tables are restored from the parameters file: build with a placeholder.
    needs_vectors = config.get("embedding") in ("static", "non-static", "multichannel")
    placeholder = (
        np.zeros((config["vocab_size"], config["embed_dim"]), np.float32) if needs_vectors else None
    )
    model = build_model(name, config, embeddings=placeholder)
    params_path = run_dir / "params.safetensors"
    arrays = read_parameters(params_path)
    if quantized is not None:
        try:
            restore_quantized(model, quantized["tables"], arrays)
        except KeyError as err:
            raise DataError(f"quantized table {err} missing", path=params_path) from None
    restore_parameters(model, arrays, str(params_path))
    bad = [name for name, a in parameter_arrays(model).items() if not np.isfinite(a).all()]
    if bad:
        raise DataError(
            f"holds NaN or infinite values ({', '.join(bad[:3])}): the training diverged or the "
            "file is damaged; train again, e.g. with a lower learning rate",
            path=params_path,
        )
    model.eval()
    predictor = Predictor(
        model, tokenizer, vocab, labels, text, name, multilabel=multilabel, thresholds=thresholds
    )
    predictor.quantized = quantized
    return predictor


def _version() -> str:
    from textnn import __version__

    return __version__

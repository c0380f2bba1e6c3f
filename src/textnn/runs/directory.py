"""Run directories: everything needed to predict later, written by `save_run` and read back
into a Predictor by `load`.

A run directory holds:
  run.json            format version, model name and config, tokenizer and text settings,
                      label names, dataset name, textnn version
  config.json         the full RunConfig it was trained with
  vocab.json          the vocabulary (built from the training split)
  params.safetensors  the parameters (best validation epoch)
  metrics.jsonl       one line per epoch
  report.json         the test evaluation, when there was a test split
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

import numpy as np

from textnn.config import TextConfig
from textnn.errors import DataError
from textnn.jsonfile import read_document
from textnn.models import build_model
from textnn.models.params import load_parameters, save_parameters
from textnn.runs.predictor import Predictor
from textnn.text.tokenize import Tokenizer
from textnn.text.vocab import Vocab

FORMAT, VERSION = "textnn.run", 1


def save_run(run_dir: Path, predictor: Predictor, *, dataset: str, config_dict: dict) -> None:
    run_dir.mkdir(parents=True, exist_ok=True)
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "model": predictor.model_name,
        "model_config": predictor.model.config.to_dict(),
        "tokenizer": predictor.tokenizer.to_config(),
        "text": asdict(predictor.text),
        "label_names": predictor.label_names,
        "dataset": dataset,
        "textnn_version": _version(),
    }
    (run_dir / "run.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    (run_dir / "config.json").write_text(json.dumps(config_dict, indent=2) + "\n", encoding="utf-8")
    predictor.vocab.save(run_dir / "vocab.json")
    save_parameters(predictor.model, run_dir / "params.safetensors")
    for name in ("run.json", "config.json", "vocab.json", "params.safetensors"):
        readable_by_all(run_dir / name)


def readable_by_all(path: Path) -> None:
    """Give `path` the mode a new file gets from the umask (0644 under the usual 022): some
    writers (safetensors) create files readable by their owner only."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def load(run_dir: str | Path) -> Predictor:
    """Restore a run's Predictor; a missing or damaged file raises DataError naming it."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise DataError(
            "run directory not found (train one with `textnn train ... --out DIR`)", path=run_dir
        )
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
    except (KeyError, TypeError) as err:
        raise DataError(f"damaged run file (missing or bad {err})", path=meta_path) from None
    # Pretrained tables are restored from the parameters file: build with a placeholder.
    needs_vectors = config.get("embedding") in ("static", "non-static", "multichannel")
    placeholder = (
        np.zeros((config["vocab_size"], config["embed_dim"]), np.float32) if needs_vectors else None
    )
    model = build_model(name, config, embeddings=placeholder)
    load_parameters(model, run_dir / "params.safetensors")
    model.eval()
    return Predictor(model, tokenizer, vocab, labels, text, name)


def _version() -> str:
    from textnn import __version__

    return __version__

"""`load_dataset`: a built-in dataset by name, or the user's own files, as a `Dataset`."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from textnn.data import fetch, registry
from textnn.data.dataset import (
    Dataset,
    Examples,
    encode_labels,
    infer_label_names,
    label_set,
)
from textnn.data.folders import read_folder, split_folders
from textnn.data.formats import check_options, read
from textnn.data.readers import OnError, RawExamples
from textnn.errors import DataError, suggest, warn

PARSED_VERSION = 1  # bump when a parser's output changes, to invalidate parsed caches


def load_dataset(
    name_or_path: str | Path,
    *,
    splits: Sequence[str] | None = None,
    data_dir: str | Path | None = None,
    download: bool = True,
    test: str | Path | None = None,
    format: str | None = None,
    label_names: Sequence[str] | None = None,
    on_error: OnError = "raise",
    **options,
) -> Dataset:
    """Load a dataset.

    A built-in name (`imdb`, `ag_news`, `uci_sentences`, `mr`) resolves its files from
    `data_dir`, the cache, the mirror (`TEXTNN_MIRROR`) and finally the canonical download;
    `splits` picks which official splits to read (default: all). Built-in options:
    `unlabeled=True` (imdb), `sources=("amazon", "imdb", "yelp")` (uci_sentences).

    Anything else is a path to the user's data: a CSV/TSV/JSONL/fastText/text<TAB>label file or
    a folder per class (a folder with `train/` and `test/` inside gives both splits), with an
    optional separate `test` file in the same format. Reader options (`text_column`,
    `label_column`, `text_field`, `encoding`, ...) pass through. Label names are inferred from the
    training split unless `label_names` is given; a test label outside them is an error.
    """
    name = str(name_or_path)
    if name in registry.DATASETS:
        return _load_builtin(registry.DATASETS[name], splits, data_dir, download, options)
    path = Path(name).expanduser()
    if not path.exists():
        if _looks_like_a_path(name):
            raise DataError(
                "no such file or folder (a dataset of your own is a path to a file or folder; "
                "`textnn datasets` lists the built-in names)",
                path=path,
            )
        registry.get(name)  # raises NotFoundError with close names when it looks like a name
    return _load_user(path, test, format, label_names, on_error, options)


def _looks_like_a_path(name: str) -> bool:
    """`reviews.csv`, `data/x`, `~/x`: a path rather than a misspelt dataset name."""
    return any(sep in name for sep in ("/", "\\", os.sep)) or bool(Path(name).suffix)


def _load_builtin(spec: registry.BuiltinDataset, splits, data_dir, download, options) -> Dataset:
    for option in options:
        if option not in spec.options:
            accepted = ", ".join(spec.options) or "none"
            raise DataError(
                f"dataset {spec.name!r} takes no option {option!r}"
                f"{suggest(option, spec.options)} It accepts: {accepted}",
                field=option,
            )
    splits = list(spec.split_files) if splits is None else list(splits)
    for split in splits:
        if split not in spec.split_files:
            raise DataError(
                f"dataset {spec.name!r} has no split {split!r}; it has "
                f"{', '.join(spec.split_files)}"
            )
    keys = spec.needed_files(splits, options)
    located = {key: fetch.locate(spec.files[key], data_dir, download=download) for key in keys}
    paths = {key: loc.path for key, loc in located.items()}

    cache_file = _parsed_cache_file(spec, paths, splits, options) if spec.cache_parsed else None
    if cache_file is not None and cache_file.is_file():
        loaded = _read_parsed(cache_file)
        if loaded is not None:
            return Dataset(spec.name, list(spec.label_names), loaded[0], loaded[1])

    raw_splits, unlabeled = spec.parse(paths, splits, **options)
    examples = {}
    for split in splits:
        examples[split] = encode_labels(raw_splits[split], spec.label_names)
        _check_counts(spec, split, examples[split], located, options)
    if cache_file is not None:
        _write_parsed(cache_file, examples, unlabeled)
    return Dataset(spec.name, list(spec.label_names), examples, unlabeled)


def _check_counts(spec, split, examples: Examples, located, options) -> None:
    expected = spec.expected_counts(split, list(located))
    found = tuple(int(c) for c in examples.class_counts(len(spec.label_names)))
    if spec.texts is not None and len(examples) != spec.texts[split]:
        found = (*found, len(examples))  # the text count is wrong too: say so below
        expected = (*expected, spec.texts[split])
    if found != expected:
        where = ", ".join(f"{loc.path} ({loc.origin})" for loc in located.values())
        raise DataError(
            f"dataset {spec.name!r} split {split!r} has {found} examples per class "
            f"{spec.label_names}, expected {expected}: the copy at {where} is incomplete or "
            "damaged. Delete it (or fix the mirror) and load again."
        )


def _parsed_cache_file(spec, paths: dict[str, Path], splits, options) -> Path:
    """A parsed copy's name, keyed by the source files' identity (path, size, mtime) and options."""
    identity = [spec.name, PARSED_VERSION, sorted(splits), sorted(options.items())]
    for key in sorted(paths):
        stat = paths[key].stat()
        identity.append([key, str(paths[key].resolve()), stat.st_size, stat.st_mtime_ns])
    key = hashlib.sha256(json.dumps(identity, default=str).encode()).hexdigest()[:16]
    return fetch.cache_dir() / "parsed" / f"{spec.name}-{key}.json"


def _read_parsed(path: Path) -> tuple[dict[str, Examples], list[str] | None] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        splits = {
            s: Examples(v["texts"], _labels_array(v["labels"])) for s, v in data["splits"].items()
        }
        return splits, data.get("unlabeled")
    except (OSError, ValueError, KeyError, TypeError):
        return None  # a damaged parsed copy is rebuilt from the source files


def _labels_array(labels: list) -> np.ndarray:
    """Labels read back from a parsed copy: class ids, or rows of a multi-label matrix."""
    array = np.asarray(labels)
    return array.astype(np.float32 if array.ndim == 2 else np.int32)


def _write_parsed(path: Path, examples: dict[str, Examples], unlabeled) -> None:
    payload = {
        "splits": {s: {"texts": e.texts, "labels": e.labels.tolist()} for s, e in examples.items()},
        "unlabeled": unlabeled,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(payload, f, ensure_ascii=False)
        os.replace(tmp, path)
    except OSError:
        if os.path.exists(tmp):
            os.unlink(tmp)  # a cache that cannot be written only costs time next load


def _load_user(path: Path, test, format, label_names, on_error, options) -> Dataset:
    splits = split_folders(path) if path.is_dir() and format in (None, "folder") else {}
    if splits:
        check_options("folder", options, path)
        raws = {
            s: read_folder(folder, on_error=on_error, **options) for s, folder in splits.items()
        }
    else:
        raws = {"train": read(path, format, on_error=on_error, **options)}
    if test is not None:
        if "test" in raws:
            raise DataError(
                "the folder already has a test/ split; do not also pass test=", path=path
            )
        raws["test"] = read(test, format, on_error=on_error, **options)
    for split, raw in raws.items():
        if len(raw) == 0:
            raise DataError(f"the {split} data holds no examples", path=raw_path(raw, path))
    names = list(label_names) if label_names is not None else infer_label_names(raws["train"])
    _warn_if_labels_mix_numbers_and_words(raws["train"])
    if len(names) < 2:
        raise DataError(
            f"only one label ({names[0]!r}) in the training data; a classifier needs at least two",
            path=path,
        )
    skipped = [s for raw in raws.values() for s in raw.skipped]
    if skipped:
        first = "; ".join(str(s) for s in skipped[:3])
        warn(
            f"skipped {len(skipped)} bad example(s) (on_error='skip'): {first}"
            f"{' ...' if len(skipped) > 3 else ''}"
        )
    # One kind for every split: a test file whose texts carry one label each still holds
    # lists of one when the training data is multi-label.
    multilabel = any(raw.multilabel for raw in raws.values())
    examples = {split: encode_labels(raw, names, multilabel) for split, raw in raws.items()}
    return Dataset(path.stem if path.is_file() else path.name, names, examples, None, skipped)


def _warn_if_labels_mix_numbers_and_words(raw: RawExamples) -> None:
    """Labels such as `0, 1, neg, pos` in one column are most often two files' conventions
    mixed up: each becomes a class of its own, so say so, naming a line of each kind."""
    flat = [(i, name) for i, label in enumerate(raw.labels) for name in label_set(label)]
    numeric = next(((i, n) for i, n in flat if _is_number(n)), None)
    word = next(((i, n) for i, n in flat if not _is_number(n)), None)
    if numeric is None or word is None:
        return
    kinds = sorted({n for _, n in flat}, key=str)
    at = [f"{n!r} at {raw.where[i][0]}:{raw.where[i][1]}" for i, n in (numeric, word)]
    warn(
        f"the labels mix numbers and words ({', '.join(map(repr, kinds[:8]))}"
        f"{', ...' if len(kinds) > 8 else ''}): each is a class of its own, e.g. {at[0]} and "
        f"{at[1]}. If that is not meant, make them one kind before training."
    )


def _is_number(label: str) -> bool:
    try:
        float(label)
    except ValueError:
        return False
    return True


def raw_path(raw: RawExamples, default: Path) -> Path:
    return Path(raw.where[0][0]) if raw.where else default


def available_splits(name: str, data_dir: str | Path | None = None) -> list[str]:
    """The built-in dataset's splits whose files are all local (no download needed)."""
    spec = registry.get(name)
    local = {
        key
        for key, f in spec.files.items()
        if fetch.status(f, data_dir) not in ("download", "missing")
    }
    return [split for split, keys in spec.split_files.items() if set(keys) <= local]


def describe(name: str, data_dir: str | Path | None = None) -> dict:
    """What a built-in dataset is, and where each of its files would come from now."""
    spec = registry.get(name)
    return {
        "name": spec.name,
        "title": spec.title,
        "classes": list(spec.label_names),
        "splits": spec.texts or {s: sum(c) for s, c in spec.counts.items()},
        "files": {f.path: fetch.status(f, data_dir) for f in spec.files.values()},
        "citation": spec.citation,
        "licence": spec.licence,
        "homepage": spec.homepage,
        "notes": spec.notes,
    }

"""A folder per class, a file per example (aclImdb's layout), and folders that hold a train and
a test split (`train/` and `test/`, or names such as `X-train/`, `X_test/`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from textnn.data.readers import Collector, OnError, RawExamples
from textnn.data.text_files import read_text
from textnn.errors import DataError


def read_folder(
    root: str | Path,
    *,
    pattern: str = "*",
    exclude: Sequence[str] = ("unsup",),
    encoding: str = "utf-8",
    on_error: OnError = "raise",
) -> RawExamples:
    """A folder per class, a file per example (aclImdb style: `root/pos/*.txt`, `root/neg/*.txt`).

    Every file matching `pattern` (default: any name) is an example; hidden files and folders
    (names starting with '.') are skipped. Subfolders named in `exclude` hold unlabelled texts
    (aclImdb's `unsup`) and are not classes.
    """
    root = Path(root)
    if not root.is_dir():
        raise DataError("no such folder", path=root)
    classes = sorted(
        d
        for d in root.iterdir()
        if d.is_dir() and d.name not in exclude and not d.name.startswith(".")
    )
    if not classes:
        raise DataError(
            "no class subfolders (expected one folder per label, e.g. pos/ and neg/)", path=root
        )
    out = Collector(root, on_error)
    for class_dir in classes:
        files = sorted(
            f for f in class_dir.glob(pattern) if f.is_file() and not f.name.startswith(".")
        )
        if not files:
            raise DataError(
                f"class folder holds no files matching pattern={pattern!r} (hidden files are "
                "skipped); pass the pattern its files match, e.g. pattern='*.text'",
                path=class_dir,
            )
        for file in files:
            out.path = file
            try:
                text = read_text(file, encoding)
            except DataError as err:
                if err.field == "encoding":
                    raise  # an unknown encoding is not one bad file
                out.fail(err)
                continue
            out.add(text.strip(), class_dir.name, None)
    return out.out


def _split_name(name: str, split: str) -> bool:
    """`train`, or a name holding it as a word: X-train, train_set, aclImdb.train."""
    return re.search(rf"(^|[-_. ]){split}($|[-_. ])", name.lower()) is not None


def split_folders(root: Path) -> dict[str, Path]:
    """{"train": folder, "test": folder} of a folder whose subfolders are splits rather than
    classes (`train/` and `test/`, or `X-train/` and `X-test/`); {} when it has no train
    folder. Two folders that could both be one split are an error naming them."""
    found: dict[str, list[Path]] = {"train": [], "test": []}
    for sub in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for split, paths in found.items():
            if _split_name(sub.name, split):
                paths.append(sub)
    for split, paths in found.items():
        if len(paths) > 1:
            raise DataError(
                f"{len(paths)} folders could be the {split} split "
                f"({', '.join(p.name for p in paths)}); keep one, or point at the one to read",
                path=root,
            )
    if not found["train"]:
        return {}
    return {split: paths[0] for split, paths in found.items() if paths}

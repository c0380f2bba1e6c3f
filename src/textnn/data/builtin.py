"""What a built-in dataset is: its files, label names, expected counts and parser
(`registry.py` lists them)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from textnn.data.fetch import DataFile
from textnn.data.readers import RawExamples
from textnn.errors import DataError

# Parsers return {split: RawExamples} and, for IMDb when asked, a list of unlabelled texts.
Parsed = tuple[dict[str, RawExamples], list[str] | None]


@dataclass(frozen=True)
class BuiltinDataset:
    name: str
    title: str
    citation: str
    licence: str
    homepage: str
    label_names: tuple[str, ...]
    files: dict[str, DataFile]  # key -> file
    split_files: dict[str, tuple[str, ...]]  # split -> keys of the files it needs
    parse: Callable[..., Parsed]  # (paths by key, splits, **options) -> Parsed
    counts: dict[str, tuple[int, ...]]  # split -> examples per class, with the default options
    notes: str = ""
    options: dict[str, object] = field(default_factory=dict)  # accepted options and defaults
    cache_parsed: bool = False  # parsing is slow enough (IMDb: seconds) to keep a parsed copy
    # For datasets whose options pick files (UCI's sources): which files, and each one's counts.
    select_files: Callable[..., list[str]] | None = None  # (**options) -> file keys
    file_counts: dict[str, tuple[int, ...]] | None = None
    # Multi-label datasets: `counts` are the texts carrying each label; these the texts.
    texts: dict[str, int] | None = None

    def needed_files(self, splits: Sequence[str], options: dict) -> list[str]:
        """Keys of the files these splits and options read."""
        if self.select_files is not None:
            return self.select_files(**options)
        return sorted({key for split in splits for key in self.split_files[split]})

    def expected_counts(self, split: str, keys: Sequence[str]) -> tuple[int, ...]:
        """Examples per class that `split` must have when read from the files `keys`."""
        if self.file_counts is None:
            return self.counts[split]
        return tuple(sum(c) for c in zip(*(self.file_counts[k] for k in keys), strict=True))


def label_by_number(raw: RawExamples, i: int, names: Sequence[str], first: int) -> str:
    label = raw.labels[i]
    if not label.isdigit() or not first <= int(label) < first + len(names):
        path, line = raw.where[i]
        raise DataError(
            f"label {label!r} is not one of {first}..{first + len(names) - 1}",
            path=path,
            line=line,
            field="label",
        )
    return names[int(label) - first]

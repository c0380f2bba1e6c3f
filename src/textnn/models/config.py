"""Model configurations: dataclasses with a JSON/TOML-friendly dict round trip."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields
from typing import Any

EMBEDDING_MODES = ("rand", "static", "non-static", "multichannel")


@dataclass
class ModelConfig:
    """Fields every model shares.

    `embedding`: `rand` (random, trained), `static` (pretrained, frozen), `non-static`
    (pretrained, fine-tuned), `multichannel` (a frozen and a fine-tuned copy side by side), or
    `auto` (non-static when pretrained vectors are given, else rand). `embed_dim` is ignored
    when pretrained vectors are given (their width wins).
    """

    vocab_size: int = 0
    num_classes: int = 2
    embed_dim: int = 50
    embedding: str = "auto"

    def __post_init__(self) -> None:
        # Lists from JSON/TOML become tuples again, so configs compare equal after a round trip.
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, list):
                setattr(self, f.name, tuple(value))
        if self.embedding not in (*EMBEDDING_MODES, "auto"):
            raise ValueError(
                f"embedding must be one of {EMBEDDING_MODES} or 'auto', got {self.embedding!r}"
            )

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"{cls.__name__} has no field(s) {unknown}; it has {sorted(known)}")
        return cls(**data)

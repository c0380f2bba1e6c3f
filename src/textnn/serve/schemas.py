"""Request bodies of the HTTP API (pydantic: wrong types and unknown fields are 422s that name
the field)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class PredictRequest(BaseModel):
    """`texts` (or one `text`); `top_k`: the k likeliest classes of each text, best first;
    `threshold`: the classes whose probability is at least this; `truncate`: cut texts longer
    than the server's limit instead of refusing them."""

    model_config = ConfigDict(extra="forbid")

    texts: list[str] | None = Field(default=None, examples=[["A moving, beautifully acted film."]])
    text: str | None = None
    top_k: int | None = Field(default=None, ge=1)
    threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    truncate: bool = False


class ExplainRequest(BaseModel):
    """LIME for one `text`: `num_samples` perturbed copies (at most the server's limit),
    the `num_features` strongest words, for the predicted class or `label`; seeded."""

    model_config = ConfigDict(extra="forbid")

    text: str
    num_samples: int = Field(default=1000, ge=10)
    num_features: int = Field(default=10, ge=1, le=100)
    label: str | None = None
    seed: int = 0
    truncate: bool = False

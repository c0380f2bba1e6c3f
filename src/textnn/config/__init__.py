"""Run settings: the RunConfig dataclasses (data, text, model, train) with their validation and
TOML/JSON round trip, and the classic set-ups by name (presets)."""

from textnn.config.run_config import DataConfig, RunConfig, TextConfig, TrainConfig

__all__ = ["DataConfig", "RunConfig", "TextConfig", "TrainConfig"]

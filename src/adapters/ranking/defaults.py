"""Where the shipped model lives and how it was trained, importable without numpy so that
the ``instagram`` command starts fast."""

from __future__ import annotations

from pathlib import Path

MODEL_DIR = Path(__file__).resolve().parent / "model"
DEFAULT_SEED = 7
DEFAULT_IMPRESSIONS = 300_000

"""Helpers shared by the test suites: generated images and the real photo folder."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PHOTOS = PROJECT_ROOT.parent / "shared" / "testdata" / "photos"


def jpeg_bytes(
    width: int = 64, height: int = 48, color: tuple[int, int, int] = (200, 80, 40)
) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def photo(name: str) -> bytes:
    """A real photo from ``../shared/testdata/photos``; skips the test when it is absent."""
    path = PHOTOS / name
    if not path.exists():
        pytest.skip(f"test photo {path} is not available (the shared test data folder is absent)")
    return path.read_bytes()

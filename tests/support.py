"""Helpers shared by the test suites: generated images and the real photos in
``tests/data/photos`` (``tests/data/README.md`` gives their origin and licence)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PHOTOS = PROJECT_ROOT / "tests" / "data" / "photos"


def jpeg_bytes(
    width: int = 64, height: int = 48, color: tuple[int, int, int] = (200, 80, 40)
) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def photo(name: str) -> bytes:
    """The bytes of a real photo from ``tests/data/photos``."""
    return (PHOTOS / name).read_bytes()

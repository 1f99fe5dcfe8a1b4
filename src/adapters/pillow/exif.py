"""What a photo's EXIF says: orientation for decoding, and the owner-only metadata.

EXIF is attacker-controlled and often malformed, so every reader here degrades to ``None``
instead of failing the upload: a photo with broken EXIF is still a photo.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from PIL import Image

from instagram_adapters.pillow.quiet import pillow_warnings_ignored
from instagram_core.domain.media import GeoPoint, PhotoMetadata

_T = TypeVar("_T")

ORIENTATION = 0x0112
_MAKE, _MODEL = 0x010F, 0x0110
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATETIME_ORIGINAL, _OFFSET_TIME_ORIGINAL, _LENS_MODEL = 0x9003, 0x9011, 0xA434
_GPS_LAT_REF, _GPS_LAT, _GPS_LNG_REF, _GPS_LNG = 1, 2, 3, 4
_MAX_TEXT = 128


def _safely(read: Callable[[], _T | None]) -> _T | None:
    """``read()``, or ``None`` if it fails: Pillow's EXIF parser raises a zoo of errors on
    hostile input (and warnings that a strict filter turns into errors), none fatal here."""
    try:
        return read()
    except Exception:
        return None


def read(image: Image.Image) -> tuple[int, PhotoMetadata]:
    """The EXIF orientation (1 when unknown) and the photo's metadata, never raising."""
    with pillow_warnings_ignored():
        exif = _safely(image.getexif)
        return orientation(exif), photo_metadata(exif)


def orientation(exif: Image.Exif | None) -> int:
    """The EXIF orientation 1..8; 1 (upright) when absent or nonsense."""
    value = _safely(lambda: exif.get(ORIENTATION) if exif is not None else None)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def photo_metadata(exif: Image.Exif | None) -> PhotoMetadata:
    """Camera, lens, capture time and GPS position, each ``None`` when missing or broken."""
    if exif is None:
        return PhotoMetadata()
    return PhotoMetadata(
        camera=_safely(lambda: _camera(exif)),
        lens=_safely(lambda: _clean(exif.get_ifd(_EXIF_IFD).get(_LENS_MODEL))),
        taken_at=_safely(lambda: _taken_at(exif.get_ifd(_EXIF_IFD))),
        gps=_safely(lambda: _gps(exif.get_ifd(_GPS_IFD))),
    )


def _clean(value: Any) -> str | None:
    """Printable text without the NUL padding and blanks cameras leave in ASCII tags."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        return None
    text = " ".join("".join(c for c in value if c.isprintable()).split())
    return text[:_MAX_TEXT] or None


def _camera(exif: Image.Exif) -> str | None:
    """``Make Model``, without repeating the make when the model already starts with it."""
    make, model = _clean(exif.get(_MAKE)), _clean(exif.get(_MODEL))
    if make and model and model.lower().startswith(make.split()[0].lower()):
        return model
    return " ".join(part for part in (make, model) if part) or None


def _taken_at(ifd: dict[int, Any]) -> str | None:
    """``DateTimeOriginal`` (``YYYY:MM:DD HH:MM:SS``) as ISO 8601, with its offset if known."""
    text = _clean(ifd.get(_DATETIME_ORIGINAL))
    if text is None:
        return None
    moment = datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")
    offset = _clean(ifd.get(_OFFSET_TIME_ORIGINAL))
    if offset:
        return datetime.fromisoformat(f"{moment.isoformat()}{offset}").isoformat()
    return moment.isoformat()


def _degrees(value: Any) -> float:
    """Degrees from the (degrees, minutes, seconds) rationals, or from a bare number."""
    parts = [float(part) for part in value] if isinstance(value, tuple | list) else [float(value)]
    if not 1 <= len(parts) <= 3:
        raise ValueError("GPS coordinate needs 1 to 3 parts")
    return sum(part / 60.0**i for i, part in enumerate(parts))


def _coordinate(ifd: dict[int, Any], ref_tag: int, value_tag: int, negative: str) -> float:
    ref = _clean(ifd.get(ref_tag)) or ""
    degrees = _degrees(ifd[value_tag])
    return -degrees if ref.upper().startswith(negative) else degrees


def _gps(ifd: dict[int, Any]) -> GeoPoint | None:
    if _GPS_LAT not in ifd or _GPS_LNG not in ifd:
        return None
    lat = _coordinate(ifd, _GPS_LAT_REF, _GPS_LAT, "S")
    lng = _coordinate(ifd, _GPS_LNG_REF, _GPS_LNG, "W")
    if not (math.isfinite(lat) and math.isfinite(lng) and abs(lat) <= 90 and abs(lng) <= 180):
        return None
    return GeoPoint(lat=round(lat, 7), lng=round(lng, 7))

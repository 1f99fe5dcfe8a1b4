"""Uploaded media, its resized variants and the storage layout of their files."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs


class MediaType(enum.StrEnum):
    IMAGE = "image"
    VIDEO = "video"


class MediaStatus(enum.StrEnum):
    AWAITING_UPLOAD = "awaiting_upload"  # an upload URL was handed out
    READY = "ready"  # every variant is stored
    FAILED = "failed"  # the bytes cannot be processed; ``failure_reason`` says why


@attrs.frozen
class VariantSpec:
    """A size to render. ``square`` crops to ``size`` x ``size``; otherwise the long side is
    scaled down to ``size`` and never up."""

    name: str
    size: int
    square: bool = False


VARIANT_SPECS: tuple[VariantSpec, ...] = (
    VariantSpec("thumb_150", 150, square=True),
    VariantSpec("small_320", 320),
    VariantSpec("medium_640", 640),
    VariantSpec("large_1080", 1080),
)

IMAGE_CONTENT_TYPES: frozenset[str] = frozenset(
    {"image/jpeg", "image/png", "image/webp", "image/heic", "image/heif", "image/tiff"}
)
VIDEO_CONTENT_TYPES: frozenset[str] = frozenset({"video/mp4", "video/quicktime"})

EXTENSIONS: dict[str, str] = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/heic": "heic",
    "image/heif": "heif",
    "image/tiff": "tiff",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
}


@attrs.frozen
class Variant:
    """One stored rendition. A size may exist in several formats (JPEG and WebP), each a
    ``Variant`` with the same ``name``."""

    name: str
    key: str  # blob key
    width: int
    height: int
    content_type: str


@attrs.frozen
class GeoPoint:
    lat: float
    lng: float


@attrs.frozen
class PhotoMetadata:
    """What EXIF said about the photo. GPS is private: only the owner ever sees it."""

    camera: str | None = None
    lens: str | None = None
    taken_at: str | None = None
    gps: GeoPoint | None = None


@attrs.frozen
class Media:
    media_id: int
    owner_id: str
    type: MediaType
    content_type: str
    created_at: datetime
    status: MediaStatus = MediaStatus.AWAITING_UPLOAD
    post_id: int | None = None
    width: int | None = None
    height: int | None = None
    variants: tuple[Variant, ...] = ()
    blurhash: str | None = None
    metadata: PhotoMetadata | None = None
    failure_reason: str | None = None
    duration_seconds: float | None = None  # videos only
    for_story: bool = False  # stored under stories/, where the bucket expires objects

    @property
    def original_key(self) -> str:
        extension = EXTENSIONS.get(self.content_type, "bin")
        return self.prefix + f"{ORIGINAL_NAME}.{extension}"

    def key(self, name: str) -> str:
        return self.prefix + name

    @property
    def prefix(self) -> str:
        return media_prefix(self.owner_id, self.created_at, self.media_id, self.for_story)


STORY_PREFIX = "stories/"
ORIGINAL_NAME = "original"


def is_original_key(key: str) -> bool:
    """Whether ``key`` names an uploaded original (``.../original.<ext>``, as
    :attr:`Media.original_key` builds it) rather than a rendition derived from one."""
    return key.rsplit("/", 1)[-1].partition(".")[0] == ORIGINAL_NAME


def media_prefix(owner_id: str, created_at: datetime, media_id: int, for_story: bool) -> str:
    """``{user_id}/{year}/{month}/{media_id}/``: the seed's storage path; story media live
    under ``stories/`` so that a bucket lifecycle rule can expire them."""
    path = f"{owner_id}/{created_at.year:04d}/{created_at.month:02d}/{media_id}/"
    return STORY_PREFIX + path if for_story else path


def media_id_of_original(key: str) -> int | None:
    """The media id in the key of an original (``.../{media_id}/original.{ext}``, as
    :attr:`Media.original_key` makes it), or ``None`` for any other key."""
    head, _, name = key.rpartition("/")
    if name.partition(".")[0] != ORIGINAL_NAME:
        return None
    segment = head.rpartition("/")[2]
    return int(segment) if segment.isascii() and segment.isdigit() else None

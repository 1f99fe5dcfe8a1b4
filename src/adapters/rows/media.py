"""A media record as a row: its columns in one order, for every table that stores it whole.

Times are microseconds; variants and EXIF metadata are JSON text (read whole, never
queried). Only the name of the time column differs between stores (``created_at`` in
SQLite, ``created_us`` in Cassandra), so it is a parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from instagram_adapters.rows.codecs import from_json, from_micros, to_json, to_micros
from instagram_core.domain.media import Media, MediaStatus, MediaType, PhotoMetadata, Variant


def media_names(created: str) -> tuple[str, ...]:
    """The column names, in :func:`media_values` order; ``created`` names the time column."""
    return (
        "media_id",
        "owner_id",
        "type",
        "content_type",
        created,
        "status",
        "post_id",
        "width",
        "height",
        "variants",
        "blurhash",
        "metadata",
        "failure_reason",
        "duration_seconds",
        "for_story",
    )


def media_values(media: Media) -> list[Any]:
    return [
        media.media_id,
        media.owner_id,
        media.type.value,
        media.content_type,
        to_micros(media.created_at),
        media.status.value,
        media.post_id,
        media.width,
        media.height,
        to_json(media.variants),
        media.blurhash,
        None if media.metadata is None else to_json(media.metadata),
        media.failure_reason,
        media.duration_seconds,
        media.for_story,
    ]


def media_from_values(values: Sequence[Any]) -> Media:
    """The record back from a row selected in :func:`media_names` order."""
    (
        media_id,
        owner_id,
        kind,
        content_type,
        created,
        status,
        post_id,
        width,
        height,
        variants,
        blurhash,
        metadata,
        failure_reason,
        duration_seconds,
        for_story,
    ) = values
    return Media(
        media_id=media_id,
        owner_id=owner_id,
        type=MediaType(kind),
        content_type=content_type,
        created_at=from_micros(created),
        status=MediaStatus(status),
        post_id=post_id,
        width=width,
        height=height,
        variants=from_json(variants, tuple[Variant, ...]),
        blurhash=blurhash,
        metadata=None if metadata is None else from_json(metadata, PhotoMetadata),
        failure_reason=failure_reason,
        duration_seconds=duration_seconds,
        for_story=bool(for_story),
    )

"""Media records in SQLite. Variants and EXIF metadata are JSON: they are read whole, never
queried, so columns of their own would buy nothing."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from instagram_adapters.sqlite.codecs import (
    JSON_IDS,
    conflict_on_integrity_error,
    from_json,
    from_micros,
    in_batches,
    json_ids,
    to_json,
    to_micros,
)
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_core.domain.errors import NotFound
from instagram_core.domain.media import Media, MediaStatus, MediaType, PhotoMetadata, Variant

SCHEMA = """
CREATE TABLE IF NOT EXISTS media (
    media_id INTEGER PRIMARY KEY,  -- Snowflake id
    owner_id TEXT NOT NULL,
    type TEXT NOT NULL,
    content_type TEXT NOT NULL,
    created_at INTEGER NOT NULL,  -- microseconds since the Unix epoch, UTC
    status TEXT NOT NULL,
    post_id INTEGER,  -- NULL until a post claims it
    width INTEGER,
    height INTEGER,
    variants TEXT NOT NULL,  -- JSON array
    blurhash TEXT,
    metadata TEXT,  -- JSON object
    failure_reason TEXT,
    duration_seconds REAL,  -- videos only
    for_story INTEGER NOT NULL DEFAULT 0
);
"""
_ADDED_COLUMNS = {"duration_seconds": "REAL", "for_story": "INTEGER NOT NULL DEFAULT 0"}

_NAMES = (
    "media_id",
    "owner_id",
    "type",
    "content_type",
    "created_at",
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
_FIELDS = ", ".join(_NAMES)
_INSERT = f"INSERT INTO media ({_FIELDS}) VALUES ({', '.join(f':{n}' for n in _NAMES)})"
_UPDATE = (
    f"UPDATE media SET {', '.join(f'{n} = :{n}' for n in _NAMES[1:])} WHERE media_id = :media_id"
)


def _columns(media: Media) -> dict[str, Any]:
    return {
        "media_id": media.media_id,
        "owner_id": media.owner_id,
        "type": media.type.value,
        "content_type": media.content_type,
        "created_at": to_micros(media.created_at),
        "status": media.status.value,
        "post_id": media.post_id,
        "width": media.width,
        "height": media.height,
        "variants": to_json(media.variants),
        "blurhash": media.blurhash,
        "metadata": None if media.metadata is None else to_json(media.metadata),
        "failure_reason": media.failure_reason,
        "duration_seconds": media.duration_seconds,
        "for_story": int(media.for_story),
    }


def _media(row: sqlite3.Row) -> Media:
    metadata = row["metadata"]
    return Media(
        media_id=row["media_id"],
        owner_id=row["owner_id"],
        type=MediaType(row["type"]),
        content_type=row["content_type"],
        created_at=from_micros(row["created_at"]),
        status=MediaStatus(row["status"]),
        post_id=row["post_id"],
        width=row["width"],
        height=row["height"],
        variants=from_json(row["variants"], tuple[Variant, ...]),
        blurhash=row["blurhash"],
        metadata=None if metadata is None else from_json(metadata, PhotoMetadata),
        failure_reason=row["failure_reason"],
        duration_seconds=row["duration_seconds"],
        for_story=bool(row["for_story"]),
    )


class SqliteMediaStore:
    """A :class:`~instagram_core.ports.MediaStore` on a shared :class:`SqliteDatabase`."""

    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db
        db.apply_schema(SCHEMA)
        db.ensure_columns("media", _ADDED_COLUMNS)

    def add(self, media: Media) -> None:
        columns = _columns(media)
        with conflict_on_integrity_error("media id already exists"):
            self._db.execute(_INSERT, columns)

    def get(self, media_id: int) -> Media | None:
        row = self._db.query_one(f"SELECT {_FIELDS} FROM media WHERE media_id = ?", (media_id,))
        return None if row is None else _media(row)

    def get_many(self, media_ids: Iterable[int]) -> Mapping[int, Media]:
        found: dict[int, Media] = {}
        for marks, batch in in_batches(media_ids):
            rows = self._db.query(f"SELECT {_FIELDS} FROM media WHERE media_id IN ({marks})", batch)
            found.update((row["media_id"], _media(row)) for row in rows)
        return found

    def types(self, media_ids: Iterable[int]) -> dict[int, MediaType]:
        rows = self._db.query(
            f"SELECT media_id, type FROM media WHERE media_id IN {JSON_IDS}",
            (json_ids(media_ids)[1],),
        )
        return {int(row[0]): MediaType(row[1]) for row in rows}

    def update(self, media: Media) -> None:
        if self._db.execute(_UPDATE, _columns(media)).rowcount == 0:
            raise NotFound("media not found")

    def attach(self, media_id: int, post_id: int) -> bool:
        """One conditional UPDATE: the compare-and-set SQLite runs atomically."""
        cursor = self._db.execute(
            "UPDATE media SET post_id = ? WHERE media_id = ? AND (post_id IS NULL OR post_id = ?)",
            (post_id, media_id, post_id),
        )
        return cursor.rowcount == 1

    def delete(self, media_id: int) -> None:
        self._db.execute("DELETE FROM media WHERE media_id = ?", (media_id,))

"""Media records in SQLite. Variants and EXIF metadata are JSON: they are read whole, never
queried, so columns of their own would buy nothing."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from instagram_adapters.rows.media import media_from_values, media_names, media_values
from instagram_adapters.sqlite.codecs import (
    JSON_IDS,
    conflict_on_integrity_error,
    in_batches,
    json_ids,
    to_micros,
)
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_core.domain.errors import NotFound
from instagram_core.domain.media import Media, MediaType

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
-- What the upload sweeper scans: unclaimed media by age.
CREATE INDEX IF NOT EXISTS media_unclaimed ON media (created_at, media_id) WHERE post_id IS NULL;
"""
_ADDED_COLUMNS = {"duration_seconds": "REAL", "for_story": "INTEGER NOT NULL DEFAULT 0"}

_NAMES = media_names("created_at")
_FIELDS = ", ".join(_NAMES)
_INSERT = f"INSERT INTO media ({_FIELDS}) VALUES ({', '.join(f':{n}' for n in _NAMES)})"
_UPDATE = (
    f"UPDATE media SET {', '.join(f'{n} = :{n}' for n in _NAMES[1:])} WHERE media_id = :media_id"
)


def _columns(media: Media) -> dict[str, Any]:
    return dict(zip(_NAMES, media_values(media), strict=True))


def _media(row: sqlite3.Row) -> Media:
    return media_from_values(tuple(row))


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

    # --- the upload sweeper's side (instagram_core.ports.abandoned_uploads.UnclaimedMedia)

    def unclaimed(self, created_before: datetime, limit: int) -> list[Media]:
        rows = self._db.query(
            f"SELECT {_FIELDS} FROM media WHERE post_id IS NULL AND created_at < ? "
            "ORDER BY created_at, media_id LIMIT ?",
            (to_micros(created_before), max(limit, 0)),
        )
        return [_media(row) for row in rows]

    def delete_unclaimed(self, media_id: int) -> bool:
        """One conditional DELETE, atomic against :meth:`attach`'s conditional UPDATE."""
        cursor = self._db.execute(
            "DELETE FROM media WHERE media_id = ? AND post_id IS NULL", (media_id,)
        )
        return cursor.rowcount == 1

"""Stories in SQLite with a time to live.

SQLite has no TTL, so reads filter on ``expires_at`` and ``add`` deletes every row the clock
says has expired (an indexed range delete in the same transaction); the table holds about a
day of stories instead of growing forever.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from instagram_adapters.sqlite.codecs import (
    JSON_IDS,
    conflict_on_integrity_error,
    from_micros,
    json_ids,
    to_micros,
)
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_adapters.sticker_json import dumps, loads
from instagram_core.domain.errors import NotFound
from instagram_core.domain.stories import Story, StoryStatus
from instagram_core.ports.clock import Clock

SCHEMA = """
CREATE TABLE IF NOT EXISTS stories (
    story_id INTEGER PRIMARY KEY,
    author_id TEXT NOT NULL,
    media_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    music_id TEXT,
    stickers TEXT
);
CREATE INDEX IF NOT EXISTS stories_by_author ON stories (author_id, story_id);
CREATE INDEX IF NOT EXISTS stories_by_expiry ON stories (expires_at);
-- The owner's archive: the same rows, never purged.
CREATE TABLE IF NOT EXISTS story_archive (
    story_id INTEGER PRIMARY KEY,
    author_id TEXT NOT NULL,
    media_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    music_id TEXT,
    stickers TEXT
);
CREATE INDEX IF NOT EXISTS story_archive_by_author ON story_archive (author_id, story_id);
"""

_COLUMNS = "story_id, author_id, media_id, created_at, expires_at, status, music_id, stickers"
_MARKS = "?, ?, ?, ?, ?, ?, ?, ?"


def _row(story: Story) -> tuple[object, ...]:
    return (
        story.story_id,
        story.author_id,
        story.media_id,
        to_micros(story.created_at),
        to_micros(story.expires_at),
        story.status.value,
        story.music_id,
        dumps(story.stickers),
    )


def _story(row: sqlite3.Row) -> Story:
    return Story(
        story_id=int(row["story_id"]),
        author_id=row["author_id"],
        media_id=int(row["media_id"]),
        created_at=from_micros(row["created_at"]),
        expires_at=from_micros(row["expires_at"]),
        status=StoryStatus(row["status"]),
        music_id=row["music_id"],
        stickers=loads(row["stickers"]),
    )


class SqliteStoryStore:
    """The durable :class:`~instagram_core.ports.StoryStore` of the embedded profile.

    ``clock`` decides when expired rows are purged and when a story is too old to update."""

    def __init__(self, db: SqliteDatabase, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        db.apply_schema(SCHEMA)
        for table in ("stories", "story_archive"):
            db.ensure_columns(table, {"stickers": "TEXT"})

    def add(self, story: Story) -> None:
        with (
            conflict_on_integrity_error(f"story {story.story_id} exists"),
            self._db.transaction() as conn,
        ):
            now = to_micros(self._clock.now())
            conn.execute("DELETE FROM stories WHERE expires_at <= ?", (now,))
            conn.execute(f"INSERT INTO stories ({_COLUMNS}) VALUES ({_MARKS})", _row(story))
            conn.execute(
                f"INSERT OR REPLACE INTO story_archive ({_COLUMNS}) VALUES ({_MARKS})",
                _row(story),
            )

    def get(self, story_id: int, now: datetime) -> Story | None:
        row = self._db.query_one(
            f"SELECT {_COLUMNS} FROM stories WHERE story_id = ? AND expires_at > ?",
            (story_id, to_micros(now)),
        )
        return _story(row) if row else None

    def update(self, story: Story) -> None:
        story_id, *values = _row(story)
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "UPDATE stories SET author_id = ?, media_id = ?, created_at = ?, expires_at = ?, "
                "status = ?, music_id = ?, stickers = ? WHERE story_id = ? AND expires_at > ?",
                (*values, story_id, to_micros(self._clock.now())),
            )
            if cursor.rowcount == 0:
                raise NotFound(f"story {story.story_id} is gone")
            conn.execute(
                f"INSERT OR REPLACE INTO story_archive ({_COLUMNS}) VALUES ({_MARKS})",
                _row(story),
            )

    def live_by_authors(
        self, author_ids: Iterable[str], now: datetime
    ) -> Mapping[str, Sequence[Story]]:
        authors, param = json_ids(author_ids)
        rows = self._db.query(
            f"SELECT {_COLUMNS} FROM stories WHERE author_id IN {JSON_IDS} "
            "AND expires_at > ? ORDER BY story_id DESC",
            (param, to_micros(now)),
        )
        live: dict[str, list[Story]] = {author_id: [] for author_id in authors}
        for row in rows:
            live[row["author_id"]].append(_story(row))
        return {author_id: stories for author_id, stories in live.items() if stories}

    def archived(self, author_id: str, before: int | None, limit: int) -> Sequence[Story]:
        if limit <= 0:  # SQLite reads a negative LIMIT as "no limit"
            return []
        sql = f"SELECT {_COLUMNS} FROM story_archive WHERE author_id = ?"
        params: tuple[object, ...] = (author_id,)
        if before is not None:
            sql += " AND story_id < ?"
            params += (before,)
        rows = self._db.query(sql + " ORDER BY story_id DESC LIMIT ?", (*params, limit))
        return [_story(row) for row in rows]

    def archived_many(self, author_id: str, story_ids: Iterable[int]) -> Mapping[int, Story]:
        _, param = json_ids(story_ids)
        rows = self._db.query(
            f"SELECT {_COLUMNS} FROM story_archive WHERE author_id = ? AND story_id IN {JSON_IDS}",
            (author_id, param),
        )
        return {int(row["story_id"]): _story(row) for row in rows}

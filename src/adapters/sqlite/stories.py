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
    music_id TEXT
);
CREATE INDEX IF NOT EXISTS stories_by_author ON stories (author_id, story_id);
CREATE INDEX IF NOT EXISTS stories_by_expiry ON stories (expires_at);
"""

_COLUMNS = "story_id, author_id, media_id, created_at, expires_at, status, music_id"


def _row(story: Story) -> tuple[object, ...]:
    return (
        story.story_id,
        story.author_id,
        story.media_id,
        to_micros(story.created_at),
        to_micros(story.expires_at),
        story.status.value,
        story.music_id,
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
    )


class SqliteStoryStore:
    """The durable :class:`~instagram_core.ports.StoryStore` of the embedded profile.

    ``clock`` decides when expired rows are purged and when a story is too old to update."""

    def __init__(self, db: SqliteDatabase, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        db.apply_schema(SCHEMA)

    def add(self, story: Story) -> None:
        with (
            conflict_on_integrity_error(f"story {story.story_id} exists"),
            self._db.transaction() as conn,
        ):
            now = to_micros(self._clock.now())
            conn.execute("DELETE FROM stories WHERE expires_at <= ?", (now,))
            conn.execute(
                f"INSERT INTO stories ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", _row(story)
            )

    def get(self, story_id: int, now: datetime) -> Story | None:
        row = self._db.query_one(
            f"SELECT {_COLUMNS} FROM stories WHERE story_id = ? AND expires_at > ?",
            (story_id, to_micros(now)),
        )
        return _story(row) if row else None

    def update(self, story: Story) -> None:
        story_id, *values = _row(story)
        cursor = self._db.execute(
            "UPDATE stories SET author_id = ?, media_id = ?, created_at = ?, expires_at = ?, "
            "status = ?, music_id = ? WHERE story_id = ? AND expires_at > ?",
            (*values, story_id, to_micros(self._clock.now())),
        )
        if cursor.rowcount == 0:
            raise NotFound(f"story {story.story_id} is gone")

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

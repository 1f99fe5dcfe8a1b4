"""Stories on Cassandra with a TTL Cassandra itself enforces.

``stories`` (by author, newest first: the seed's table) and ``stories_by_id`` are written
``USING TTL`` the seconds left until ``expires_at``, rounded up: Cassandra deletes the rows
when the story expires, and reads also compare ``expires_at`` with their ``now``, so a story
is never served a second late (the seed's "client also checks expires_at"). The owner's
archive (``story_archive``) gets the same row without a TTL, so expired stories stay
reachable for their owner and nobody else; :meth:`archived` reads it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from instagram_adapters.cassandra.session import CassandraSession
from instagram_adapters.rows.codecs import from_micros, to_micros
from instagram_adapters.sticker_json import dumps, loads
from instagram_core.domain.errors import Conflict, NotFound
from instagram_core.domain.stories import Story, StoryStatus
from instagram_core.ports.clock import Clock

_NAMES = (
    "story_id",
    "author_id",
    "media_id",
    "created_us",
    "expires_us",
    "status",
    "music_id",
    "stickers",
)
_COLUMNS = ", ".join(_NAMES)
_MARKS = ", ".join("?" * len(_NAMES))
_CLAIM = f"INSERT INTO stories_by_id ({_COLUMNS}) VALUES ({_MARKS}) IF NOT EXISTS USING TTL ?"
_BY_AUTHOR = f"INSERT INTO stories ({_COLUMNS}) VALUES ({_MARKS}) USING TTL ?"
_ARCHIVE = f"INSERT INTO story_archive ({_COLUMNS}) VALUES ({_MARKS})"
_UPDATE = (
    "UPDATE stories_by_id USING TTL ? SET author_id = ?, media_id = ?, created_us = ?, "
    "expires_us = ?, status = ?, music_id = ?, stickers = ? WHERE story_id = ? IF expires_us > ?"
)
_GET = f"SELECT {_COLUMNS} FROM stories_by_id WHERE story_id = ?"
_LIVE = f"SELECT {_COLUMNS} FROM stories WHERE author_id = ?"
_ARCHIVED_MANY = f"SELECT {_COLUMNS} FROM story_archive WHERE author_id = ? AND story_id IN ?"
_ARCHIVED = f"SELECT {_COLUMNS} FROM story_archive WHERE author_id = ? LIMIT ?"
_ARCHIVED_BEFORE = (
    f"SELECT {_COLUMNS} FROM story_archive WHERE author_id = ? AND story_id < ? LIMIT ?"
)


def _row(story: Story) -> list[Any]:
    return [
        story.story_id,
        story.author_id,
        story.media_id,
        to_micros(story.created_at),
        to_micros(story.expires_at),
        story.status.value,
        story.music_id,
        dumps(story.stickers),
    ]


def _story(row: Any) -> Story:
    return Story(
        story_id=row.story_id,
        author_id=row.author_id,
        media_id=row.media_id,
        created_at=from_micros(row.created_us),
        expires_at=from_micros(row.expires_us),
        status=StoryStatus(row.status),
        music_id=row.music_id,
        stickers=loads(row.stickers),
    )


def ttl_seconds(expires_at: datetime, now: datetime) -> int:
    """Whole seconds left, rounded up, plus one: the server counts a TTL from its current
    whole second (a write at 10.9 s with TTL 1 dies at 11 s), so this never deletes a story
    before ``expires_at``. Reads hide it from ``expires_at`` on, to the microsecond."""
    left = (expires_at - now).total_seconds()
    return math.ceil(left) + 1 if left > 0 else 0


class CassandraStoryStore:
    """A :class:`~instagram_core.ports.StoryStore` on Cassandra. ``clock`` gives the time the
    TTL counts from (and after which a story can no longer be updated)."""

    def __init__(self, session: CassandraSession, clock: Clock) -> None:
        self._db = session
        self._clock = clock

    def add(self, story: Story) -> None:
        row = _row(story)
        ttl = ttl_seconds(story.expires_at, self._clock.now())
        if ttl > 0:
            applied, _ = self._db.applied(_CLAIM, [*row, ttl])
            if not applied:
                raise Conflict(f"story {story.story_id} exists")
            self._db.batch([(_BY_AUTHOR, [*row, ttl]), (_ARCHIVE, row)])
        else:  # already expired: only its owner's archive keeps it
            self._db.execute(_ARCHIVE, row)

    def get(self, story_id: int, now: datetime) -> Story | None:
        row = self._db.execute(_GET, (story_id,)).one()
        if row is None or row.expires_us <= to_micros(now):
            return None
        return _story(row)

    def update(self, story: Story) -> None:
        now = self._clock.now()
        ttl = ttl_seconds(story.expires_at, now)
        if ttl <= 0:
            raise NotFound(f"story {story.story_id} is gone")
        story_id, *values = _row(story)
        applied, _ = self._db.applied(_UPDATE, [ttl, *values, story_id, to_micros(now)])
        if not applied:
            raise NotFound(f"story {story.story_id} is gone")
        row = _row(story)
        self._db.batch([(_BY_AUTHOR, [*row, ttl]), (_ARCHIVE, row)])

    def live_by_authors(
        self, author_ids: Iterable[str], now: datetime
    ) -> Mapping[str, Sequence[Story]]:
        authors = list(dict.fromkeys(author_ids))
        cutoff = to_micros(now)
        live: dict[str, Sequence[Story]] = {}
        for author_id, rows in zip(
            authors, self._db.rows_of_many(_LIVE, [(a,) for a in authors]), strict=True
        ):
            stories = [_story(row) for row in rows if row.expires_us > cutoff]
            if stories:
                live[author_id] = stories
        return live

    def archived(self, author_id: str, before: int | None, limit: int) -> Sequence[Story]:
        """Every story of the author, expired ones included, newest first."""
        if limit <= 0:
            return []
        if before is None:
            rows = self._db.execute(_ARCHIVED, (author_id, limit))
        else:
            rows = self._db.execute(_ARCHIVED_BEFORE, (author_id, before, limit))
        return [_story(row) for row in rows]

    def archived_many(self, author_id: str, story_ids: Iterable[int]) -> Mapping[int, Story]:
        ids = list(dict.fromkeys(story_ids))
        if not ids:
            return {}
        rows = self._db.execute(_ARCHIVED_MANY, (author_id, ids))
        return {row.story_id: _story(row) for row in rows}

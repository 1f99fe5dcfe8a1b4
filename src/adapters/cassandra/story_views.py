"""Story views on Cassandra: ``story_viewers`` (one row per viewer, claimed with a
lightweight transaction so a view is recorded once) and ``story_views`` (the same views
newest first, for the owner's list). A crash between the two writes would leave a viewer
counted but not listed; the claim is the source of truth for counts and ``seen``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from instagram_adapters.cassandra.session import CassandraSession
from instagram_adapters.rows.codecs import from_micros, to_micros
from instagram_core.domain.stories import StoryViewer

_CLAIM = "INSERT INTO story_viewers (story_id, viewer_id, viewed_us) VALUES (?, ?, ?) IF NOT EXISTS"
_LIST = "INSERT INTO story_views (story_id, viewed_us, viewer_id) VALUES (?, ?, ?)"
_NEWEST = "SELECT viewer_id, viewed_us FROM story_views WHERE story_id = ? LIMIT ?"
_AFTER = (
    "SELECT viewer_id, viewed_us FROM story_views WHERE story_id = ? "
    "AND (viewed_us, viewer_id) < (?, ?) LIMIT ?"
)
_COUNT = "SELECT COUNT(*) AS n FROM story_viewers WHERE story_id = ?"
_SEEN = "SELECT story_id FROM story_viewers WHERE story_id = ? AND viewer_id = ?"


class CassandraStoryViewStore:
    def __init__(self, session: CassandraSession) -> None:
        self._db = session

    def record(self, story_id: int, viewer: StoryViewer) -> bool:
        at = to_micros(viewer.viewed_at)
        applied, _ = self._db.applied(_CLAIM, (story_id, viewer.viewer_id, at))
        if applied:
            self._db.execute(_LIST, (story_id, at, viewer.viewer_id))
        return applied

    def viewers(
        self, story_id: int, after: StoryViewer | None, limit: int
    ) -> Sequence[StoryViewer]:
        if limit <= 0:
            return []
        if after is None:
            rows = self._db.execute(_NEWEST, (story_id, limit))
        else:
            rows = self._db.execute(
                _AFTER, (story_id, to_micros(after.viewed_at), after.viewer_id, limit)
            )
        return [StoryViewer(row.viewer_id, from_micros(row.viewed_us)) for row in rows]

    def counts(self, story_ids: Iterable[int]) -> Mapping[int, int]:
        ids = list(dict.fromkeys(story_ids))
        results = self._db.rows_of_many(_COUNT, [(i,) for i in ids])
        return {i: int(rows[0].n) if rows else 0 for i, rows in zip(ids, results, strict=True)}

    def seen(self, viewer_id: str, story_ids: Iterable[int]) -> set[int]:
        ids = list(dict.fromkeys(story_ids))
        results = self._db.rows_of_many(_SEEN, [(i, viewer_id) for i in ids])
        return {i for i, rows in zip(ids, results, strict=True) if rows}

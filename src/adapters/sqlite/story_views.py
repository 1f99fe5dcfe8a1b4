"""Story views in SQLite: one row per (story, viewer); the primary key makes a view
idempotent, an index on (story, viewed_at, viewer) serves the viewers list newest first."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from instagram_adapters.sqlite.codecs import JSON_IDS, from_micros, json_ids, to_micros
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_core.domain.stories import StoryViewer

SCHEMA = """
CREATE TABLE IF NOT EXISTS story_views (
    story_id INTEGER NOT NULL,
    viewer_id TEXT NOT NULL,
    viewed_at INTEGER NOT NULL,
    PRIMARY KEY (story_id, viewer_id)
);
CREATE INDEX IF NOT EXISTS story_views_newest ON story_views (story_id, viewed_at, viewer_id);
"""


class SqliteStoryViewStore:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db
        db.apply_schema(SCHEMA)

    def record(self, story_id: int, viewer: StoryViewer) -> bool:
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO story_views (story_id, viewer_id, viewed_at) "
                "VALUES (?, ?, ?)",
                (story_id, viewer.viewer_id, to_micros(viewer.viewed_at)),
            )
            return cursor.rowcount == 1

    def viewers(
        self, story_id: int, after: StoryViewer | None, limit: int
    ) -> Sequence[StoryViewer]:
        if limit <= 0:
            return []
        sql = "SELECT viewer_id, viewed_at FROM story_views WHERE story_id = ?"
        params: tuple[object, ...] = (story_id,)
        if after is not None:
            sql += " AND (viewed_at, viewer_id) < (?, ?)"
            params += (to_micros(after.viewed_at), after.viewer_id)
        rows = self._db.query(
            sql + " ORDER BY viewed_at DESC, viewer_id DESC LIMIT ?", (*params, limit)
        )
        return [StoryViewer(row["viewer_id"], from_micros(row["viewed_at"])) for row in rows]

    def counts(self, story_ids: Iterable[int]) -> Mapping[int, int]:
        ids, param = json_ids(story_ids)
        rows = self._db.query(
            f"SELECT story_id, COUNT(*) AS n FROM story_views WHERE story_id IN {JSON_IDS} "
            "GROUP BY story_id",
            (param,),
        )
        found = {int(row["story_id"]): int(row["n"]) for row in rows}
        return {i: found.get(i, 0) for i in ids}

    def seen(self, viewer_id: str, story_ids: Iterable[int]) -> set[int]:
        _, param = json_ids(story_ids)
        rows = self._db.query(
            f"SELECT story_id FROM story_views WHERE viewer_id = ? AND story_id IN {JSON_IDS}",
            (viewer_id, param),
        )
        return {int(row["story_id"]) for row in rows}

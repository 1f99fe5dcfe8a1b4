"""Highlights in SQLite; the chosen story ids, in order, as a JSON array."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from instagram_adapters.sqlite.codecs import conflict_on_integrity_error, from_micros, to_micros
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_core.domain.stories import Highlight

SCHEMA = """
CREATE TABLE IF NOT EXISTS highlights (
    highlight_id INTEGER PRIMARY KEY,
    owner_id TEXT NOT NULL,
    title TEXT NOT NULL,
    story_ids TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS highlights_by_owner ON highlights (owner_id, highlight_id);
"""


def _highlight(row: sqlite3.Row) -> Highlight:
    return Highlight(
        highlight_id=int(row["highlight_id"]),
        owner_id=row["owner_id"],
        title=row["title"],
        story_ids=tuple(int(i) for i in json.loads(row["story_ids"])),
        created_at=from_micros(row["created_at"]),
    )


class SqliteHighlightStore:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db
        db.apply_schema(SCHEMA)

    def add(self, highlight: Highlight) -> None:
        with (
            conflict_on_integrity_error(f"highlight {highlight.highlight_id} exists"),
            self._db.transaction() as conn,
        ):
            conn.execute(
                "INSERT INTO highlights (highlight_id, owner_id, title, story_ids, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    highlight.highlight_id,
                    highlight.owner_id,
                    highlight.title,
                    json.dumps(list(highlight.story_ids)),
                    to_micros(highlight.created_at),
                ),
            )

    def by_owner(self, owner_id: str) -> Sequence[Highlight]:
        rows = self._db.query(
            "SELECT highlight_id, owner_id, title, story_ids, created_at FROM highlights "
            "WHERE owner_id = ? ORDER BY highlight_id DESC",
            (owner_id,),
        )
        return [_highlight(row) for row in rows]

"""Highlights on Cassandra: partition owner, newest first, no TTL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from instagram_adapters.cassandra.session import CassandraSession
from instagram_adapters.rows.codecs import from_micros, to_micros
from instagram_core.domain.errors import Conflict
from instagram_core.domain.stories import Highlight

_ADD = (
    "INSERT INTO highlights (owner_id, highlight_id, title, story_ids, created_us) "
    "VALUES (?, ?, ?, ?, ?) IF NOT EXISTS"
)
_BY_OWNER = (
    "SELECT owner_id, highlight_id, title, story_ids, created_us FROM highlights WHERE owner_id = ?"
)


def _highlight(row: Any) -> Highlight:
    return Highlight(
        highlight_id=row.highlight_id,
        owner_id=row.owner_id,
        title=row.title,
        story_ids=tuple(row.story_ids or ()),
        created_at=from_micros(row.created_us),
    )


class CassandraHighlightStore:
    def __init__(self, session: CassandraSession) -> None:
        self._db = session

    def add(self, highlight: Highlight) -> None:
        applied, _ = self._db.applied(
            _ADD,
            (
                highlight.owner_id,
                highlight.highlight_id,
                highlight.title,
                list(highlight.story_ids),
                to_micros(highlight.created_at),
            ),
        )
        if not applied:
            raise Conflict(f"highlight {highlight.highlight_id} exists")

    def by_owner(self, owner_id: str) -> Sequence[Highlight]:
        return [_highlight(row) for row in self._db.iterate(_BY_OWNER, (owner_id,))]

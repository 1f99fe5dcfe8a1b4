"""Story poll votes on Cassandra: one row per (story, voter), claimed with a lightweight
transaction. Counts read the story's partition (a poll's votes: small next to 100 MB)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from instagram_adapters.cassandra.session import CassandraSession

_VOTE = "INSERT INTO story_poll_votes (story_id, voter_id, option) VALUES (?, ?, ?) IF NOT EXISTS"
_VOTE_OF = "SELECT option FROM story_poll_votes WHERE story_id = ? AND voter_id = ?"
_OPTIONS = "SELECT option FROM story_poll_votes WHERE story_id = ?"


class CassandraStoryPollStore:
    def __init__(self, session: CassandraSession) -> None:
        self._db = session

    def vote(self, story_id: int, voter_id: str, option: int) -> bool:
        applied, _ = self._db.applied(_VOTE, (story_id, voter_id, option))
        return applied

    def vote_of(self, story_id: int, voter_id: str) -> int | None:
        row = self._db.execute(_VOTE_OF, (story_id, voter_id)).one()
        return int(row.option) if row else None

    def counts(self, story_id: int) -> Mapping[int, int]:
        return dict(Counter(int(row.option) for row in self._db.iterate(_OPTIONS, (story_id,))))

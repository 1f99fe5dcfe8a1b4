"""Affinities in the embedded SQLite file."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from instagram_adapters.rows.affinity import HistoryFromScores
from instagram_adapters.sqlite.codecs import JSON_IDS, from_micros, json_ids, to_micros
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_core.policies.affinity import SEEN_FOR_SECONDS, decayed
from instagram_core.ports.affinity import EVENT_MEMORY_SECONDS

_SCHEMA = """
CREATE TABLE IF NOT EXISTS affinity (
    viewer_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('author', 'tag')),
    target TEXT NOT NULL,
    score REAL NOT NULL,
    updated_us INTEGER NOT NULL,
    PRIMARY KEY (viewer_id, kind, target)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS seen_posts (
    viewer_id TEXT NOT NULL,
    post_id INTEGER NOT NULL,
    seen_us INTEGER NOT NULL,
    PRIMARY KEY (viewer_id, post_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS affinity_events (
    viewer_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    recorded_us INTEGER NOT NULL,
    PRIMARY KEY (viewer_id, event_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS affinity_events_by_time ON affinity_events (recorded_us);
"""


class SqliteAffinityStore(HistoryFromScores):
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db
        db.apply_schema(_SCHEMA)

    def record(
        self,
        viewer_id: str,
        author_id: str,
        hashtags: Iterable[str],
        weight: float,
        at: datetime,
        event_id: str | None = None,
    ) -> None:
        targets = [("author", author_id)] + [("tag", tag) for tag in sorted(set(hashtags))]
        with self._db.transaction() as conn:
            if event_id is not None:
                # The id and the scores commit together: a redelivery finds the id and stops.
                conn.execute(
                    "DELETE FROM affinity_events WHERE recorded_us <= ?",
                    (to_micros(at - timedelta(seconds=EVENT_MEMORY_SECONDS)),),
                )
                inserted = conn.execute(
                    "INSERT OR IGNORE INTO affinity_events VALUES (?, ?, ?)",
                    (viewer_id, event_id, to_micros(at)),
                )
                if inserted.rowcount == 0:
                    return
            for kind, target in targets:
                row = conn.execute(
                    "SELECT score, updated_us FROM affinity "
                    "WHERE viewer_id = ? AND kind = ? AND target = ?",
                    (viewer_id, kind, target),
                ).fetchone()
                score = weight + (decayed(row[0], from_micros(row[1]), at) if row else 0.0)
                conn.execute(
                    "INSERT OR REPLACE INTO affinity VALUES (?, ?, ?, ?, ?)",
                    (viewer_id, kind, target, score, to_micros(at)),
                )

    def mark_seen(self, viewer_id: str, post_ids: Iterable[int], at: datetime) -> None:
        with self._db.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO seen_posts VALUES (?, ?, ?)",
                [(viewer_id, post_id, to_micros(at)) for post_id in post_ids],
            )
            conn.execute(
                "DELETE FROM seen_posts WHERE viewer_id = ? AND seen_us < ?",
                (viewer_id, to_micros(at - timedelta(seconds=SEEN_FOR_SECONDS))),
            )

    def _scores(
        self, viewer_id: str, kind: str, targets: Iterable[str], now: datetime
    ) -> dict[str, float]:
        rows = self._db.query(
            "SELECT target, score, updated_us FROM affinity WHERE viewer_id = ? AND kind = ? "
            f"AND target IN {JSON_IDS}",
            (viewer_id, kind, json_ids(targets)[1]),
        )
        return {row[0]: decayed(row[1], from_micros(row[2]), now) for row in rows}

    def _seen(self, viewer_id: str, post_ids: Iterable[int], now: datetime) -> frozenset[int]:
        rows = self._db.query(
            "SELECT post_id FROM seen_posts WHERE viewer_id = ? AND seen_us > ? "
            f"AND post_id IN {JSON_IDS}",
            (
                viewer_id,
                to_micros(now - timedelta(seconds=SEEN_FOR_SECONDS)),
                json_ids(post_ids)[1],
            ),
        )
        return frozenset(int(row[0]) for row in rows)

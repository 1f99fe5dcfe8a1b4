"""Explore's stores in the embedded SQLite file: the log and its event ids, neighbour lists,
the trending list, seen marks and the last build's time."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime

from instagram_adapters.sqlite.codecs import JSON_IDS, from_micros, json_ids, to_micros
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_core.ports.explore import LOG_RETENTION, SEEN_RETENTION, Engagement, Neighbours

_SCHEMA = """
CREATE TABLE IF NOT EXISTS explore_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL,
    post_id INTEGER NOT NULL,
    author_id TEXT NOT NULL,
    weight REAL NOT NULL,
    at_us INTEGER NOT NULL,
    hashtags TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS explore_log_by_time ON explore_log (at_us);
CREATE INDEX IF NOT EXISTS explore_log_by_user ON explore_log (user_id, at_us);
CREATE INDEX IF NOT EXISTS explore_log_by_post ON explore_log (post_id);
CREATE TABLE IF NOT EXISTS explore_events (
    event_id TEXT PRIMARY KEY,
    recorded_us INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS explore_events_by_time ON explore_events (recorded_us);
CREATE TABLE IF NOT EXISTS explore_neighbours (
    post_id INTEGER NOT NULL,
    neighbour_id INTEGER NOT NULL,
    score REAL NOT NULL,
    PRIMARY KEY (post_id, neighbour_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS explore_neighbours_reverse ON explore_neighbours (neighbour_id);
CREATE TABLE IF NOT EXISTS explore_trending (
    post_id INTEGER PRIMARY KEY,
    score REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS explore_seen (
    viewer_id TEXT NOT NULL,
    post_id INTEGER NOT NULL,
    seen_us INTEGER NOT NULL,
    PRIMARY KEY (viewer_id, post_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS explore_builds (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    built_us INTEGER NOT NULL
);
"""

_COLUMNS = "user_id, post_id, author_id, weight, at_us, hashtags"


class SqliteExploreStore:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db
        db.apply_schema(_SCHEMA)

    def record(self, engagement: Engagement, event_id: str) -> bool:
        at = to_micros(engagement.at)
        horizon = to_micros(engagement.at - LOG_RETENTION)
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM explore_events WHERE recorded_us < ?", (horizon,))
            inserted = conn.execute(
                "INSERT OR IGNORE INTO explore_events VALUES (?, ?)", (event_id, at)
            )
            if inserted.rowcount == 0:
                return False
            conn.execute("DELETE FROM explore_log WHERE at_us < ?", (horizon,))
            conn.execute(
                f"INSERT INTO explore_log ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    engagement.user_id,
                    engagement.post_id,
                    engagement.author_id,
                    engagement.weight,
                    at,
                    json.dumps(list(engagement.hashtags)),
                ),
            )
            return True

    def window(self, since: datetime) -> Sequence[Engagement]:
        rows = self._db.query(
            f"SELECT {_COLUMNS} FROM explore_log WHERE at_us >= ? ORDER BY at_us, seq",
            (to_micros(since),),
        )
        return [_engagement(row) for row in rows]

    def recent_by(self, user_ids: Collection[str], limit: int) -> Sequence[Engagement]:
        users, param = json_ids(user_ids)
        if not users or limit < 1:
            return []
        rows = self._db.query(
            f"SELECT {_COLUMNS} FROM explore_log WHERE user_id IN {JSON_IDS} "
            "ORDER BY at_us DESC, seq DESC LIMIT ?",
            (param, limit),
        )
        return [_engagement(row) for row in rows]

    def forget_post(self, post_id: int) -> None:
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM explore_log WHERE post_id = ?", (post_id,))
            conn.execute(
                "DELETE FROM explore_neighbours WHERE post_id = ? OR neighbour_id = ?",
                (post_id, post_id),
            )
            conn.execute("DELETE FROM explore_trending WHERE post_id = ?", (post_id,))

    def put_neighbours(self, neighbours: Mapping[int, Neighbours]) -> None:
        with self._db.transaction() as conn:
            for post_id, items in neighbours.items():
                conn.execute("DELETE FROM explore_neighbours WHERE post_id = ?", (post_id,))
                conn.executemany(
                    "INSERT OR REPLACE INTO explore_neighbours VALUES (?, ?, ?)",
                    [(post_id, other, score) for other, score in items],
                )

    def neighbours(self, post_ids: Iterable[int], per_post: int) -> Mapping[int, Neighbours]:
        ids, param = json_ids(post_ids)
        if not ids or per_post < 1:
            return {}
        rows = self._db.query(
            "SELECT post_id, neighbour_id, score FROM ("
            "  SELECT post_id, neighbour_id, score, ROW_NUMBER() OVER ("
            "    PARTITION BY post_id ORDER BY score DESC, neighbour_id DESC) AS n"
            f"  FROM explore_neighbours WHERE post_id IN {JSON_IDS}"
            ") WHERE n <= ? ORDER BY post_id, n",
            (param, per_post),
        )
        found: dict[int, list[tuple[int, float]]] = {}
        for post_id, neighbour_id, score in rows:
            found.setdefault(post_id, []).append((neighbour_id, score))
        return found

    def put_trending(self, ranked: Neighbours) -> None:
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM explore_trending")
            conn.executemany("INSERT OR REPLACE INTO explore_trending VALUES (?, ?)", ranked)

    def trending(self, limit: int) -> Neighbours:
        if limit < 1:
            return []
        rows = self._db.query(
            "SELECT post_id, score FROM explore_trending ORDER BY score DESC, post_id DESC LIMIT ?",
            (limit,),
        )
        return [(post_id, score) for post_id, score in rows]

    def mark_seen(self, viewer_id: str, post_ids: Iterable[int], at: datetime) -> None:
        moment = to_micros(at)
        with self._db.transaction() as conn:
            # The viewer's marks older than any question asked from now on go.
            conn.execute(
                "DELETE FROM explore_seen WHERE viewer_id = ? AND seen_us < ?",
                (viewer_id, to_micros(at - SEEN_RETENTION)),
            )
            conn.executemany(
                "INSERT INTO explore_seen VALUES (?, ?, ?) ON CONFLICT (viewer_id, post_id) "
                "DO UPDATE SET seen_us = MAX(seen_us, excluded.seen_us)",
                [(viewer_id, post_id, moment) for post_id in set(post_ids)],
            )

    def seen_since(self, viewer_id: str, since: datetime) -> set[int]:
        rows = self._db.query(
            "SELECT post_id FROM explore_seen WHERE viewer_id = ? AND seen_us >= ?",
            (viewer_id, to_micros(since)),
        )
        return {row[0] for row in rows}

    def last_build(self) -> datetime | None:
        row = self._db.query_one("SELECT built_us FROM explore_builds WHERE id = 1")
        return None if row is None else from_micros(row[0])

    def set_last_build(self, at: datetime) -> None:
        self._db.execute("INSERT OR REPLACE INTO explore_builds VALUES (1, ?)", (to_micros(at),))


def _engagement(row: sqlite3.Row) -> Engagement:
    user_id, post_id, author_id, weight, at_us, hashtags = row
    return Engagement(
        user_id=user_id,
        post_id=post_id,
        author_id=author_id,
        weight=weight,
        at=from_micros(at_us),
        hashtags=tuple(json.loads(hashtags)),
    )

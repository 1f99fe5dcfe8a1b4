"""The follow graph in SQLite: the seed's ``follows`` table plus a ``follow_counts`` table.

Counters are read on every profile view, so they are kept rather than counted: each edge
change adjusts them in the same transaction, and only for moves into or out of ``active``.

The ``restrictions`` table (blocks and mutes, :mod:`instagram_adapters.sqlite.restrictions`)
is created here too: ``put`` reads it in the transaction that writes the edge, and a block
deletes the edges in the transaction that records it, so the two are ordered by SQLite's
write lock.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from instagram_adapters.sqlite.codecs import (
    JSON_IDS,
    decode_keyset_cursor,
    encode_keyset_cursor,
    from_micros,
    json_ids,
    to_micros,
)
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_core.domain.errors import InvalidInput, NotFound
from instagram_core.domain.pagination import Page, page_from_overfetch
from instagram_core.domain.social import Follow, FollowStatus

SCHEMA = """
CREATE TABLE IF NOT EXISTS follows (
    follower_id TEXT NOT NULL,
    followee_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'pending')),
    created_at INTEGER NOT NULL,  -- microseconds since the Unix epoch, UTC
    PRIMARY KEY (follower_id, followee_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS follows_incoming
    ON follows (followee_id, status, created_at, follower_id);
CREATE INDEX IF NOT EXISTS follows_outgoing
    ON follows (follower_id, status, created_at, followee_id);
CREATE INDEX IF NOT EXISTS follows_fanout ON follows (followee_id, status, follower_id);
CREATE TABLE IF NOT EXISTS follow_counts (
    user_id TEXT PRIMARY KEY,
    follower_count INTEGER NOT NULL DEFAULT 0,
    following_count INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS restrictions (
    kind TEXT NOT NULL CHECK (kind IN ('block', 'mute')),
    actor_id TEXT NOT NULL,
    target_id TEXT NOT NULL,
    PRIMARY KEY (kind, actor_id, target_id)
);
CREATE INDEX IF NOT EXISTS restrictions_by_target ON restrictions (kind, target_id, actor_id);
"""

_ACTIVE = FollowStatus.ACTIVE.value


def _follow(row: sqlite3.Row) -> Follow:
    return Follow(
        follower_id=row["follower_id"],
        followee_id=row["followee_id"],
        status=FollowStatus(row["status"]),
        created_at=from_micros(row["created_at"]),
    )


def _bump_counts(conn: sqlite3.Connection, follower_id: str, followee_id: str, delta: int) -> None:
    conn.execute(
        "INSERT INTO follow_counts (user_id, follower_count) VALUES (?, ?) ON CONFLICT (user_id)"
        " DO UPDATE SET follower_count = follower_count + excluded.follower_count",
        (followee_id, delta),
    )
    conn.execute(
        "INSERT INTO follow_counts (user_id, following_count) VALUES (?, ?) ON CONFLICT (user_id)"
        " DO UPDATE SET following_count = following_count + excluded.following_count",
        (follower_id, delta),
    )


def blocked_between(conn: sqlite3.Connection, user_a: str, user_b: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM restrictions WHERE kind = 'block' AND ("
        "(actor_id = ? AND target_id = ?) OR (actor_id = ? AND target_id = ?))",
        (user_a, user_b, user_b, user_a),
    ).fetchone()
    return row is not None


def remove_edge(conn: sqlite3.Connection, follower_id: str, followee_id: str) -> Follow | None:
    """Delete the edge inside the caller's transaction, adjusting the counters."""
    pair = (follower_id, followee_id)
    rows = conn.execute(
        "DELETE FROM follows WHERE follower_id = ? AND followee_id = ? RETURNING *", pair
    ).fetchall()
    if not rows:
        return None
    edge = _follow(rows[0])
    if edge.status == FollowStatus.ACTIVE:
        _bump_counts(conn, *pair, delta=-1)
    return edge


class SqliteSocialGraph:
    """A :class:`~instagram_core.ports.SocialGraph` on a shared :class:`SqliteDatabase`."""

    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db
        db.apply_schema(SCHEMA)

    def get(self, follower_id: str, followee_id: str) -> Follow | None:
        row = self._db.query_one(
            "SELECT * FROM follows WHERE follower_id = ? AND followee_id = ?",
            (follower_id, followee_id),
        )
        return None if row is None else _follow(row)

    def put(self, follow: Follow) -> Follow | None:
        pair = (follow.follower_id, follow.followee_id)
        with self._db.transaction() as conn:
            if blocked_between(conn, *pair):
                raise NotFound("no follow is possible across a block")
            row = conn.execute(
                "SELECT * FROM follows WHERE follower_id = ? AND followee_id = ?", pair
            ).fetchone()
            before = None if row is None else _follow(row)
            if before is None:
                conn.execute(
                    "INSERT INTO follows (follower_id, followee_id, status, created_at)"
                    " VALUES (?, ?, ?, ?)",
                    (*pair, follow.status.value, to_micros(follow.created_at)),
                )
            elif before.status != follow.status:
                conn.execute(
                    "UPDATE follows SET status = ? WHERE follower_id = ? AND followee_id = ?",
                    (follow.status.value, *pair),
                )
            was_active = before is not None and before.status == FollowStatus.ACTIVE
            now_active = follow.status == FollowStatus.ACTIVE
            if was_active != now_active:
                _bump_counts(conn, *pair, delta=1 if now_active else -1)
        return before

    def activate(self, follower_id: str, followee_id: str) -> Follow | None:
        pair = (follower_id, followee_id)
        with self._db.transaction() as conn:
            rows = conn.execute(
                "UPDATE follows SET status = ? WHERE follower_id = ? AND followee_id = ?"
                " AND status = ? RETURNING *",
                (_ACTIVE, *pair, FollowStatus.PENDING.value),
            ).fetchall()
            if not rows:
                return None
            _bump_counts(conn, *pair, delta=1)
        return _follow(rows[0])

    def remove(self, follower_id: str, followee_id: str) -> Follow | None:
        with self._db.transaction() as conn:
            return remove_edge(conn, follower_id, followee_id)

    def remove_pending(self, follower_id: str, followee_id: str) -> Follow | None:
        # One conditional statement: a pending edge moves no counter, and an edge approved
        # an instant earlier no longer matches.
        with self._db.transaction() as conn:
            rows = conn.execute(
                "DELETE FROM follows WHERE follower_id = ? AND followee_id = ? AND status = ?"
                " RETURNING *",
                (follower_id, followee_id, FollowStatus.PENDING.value),
            ).fetchall()
        return _follow(rows[0]) if rows else None

    def followers(
        self, user_id: str, status: FollowStatus, cursor: str | None, limit: int
    ) -> Page[Follow]:
        rows = self._page(
            "SELECT * FROM follows WHERE followee_id = ? AND status = ?",
            "follower_id",
            (user_id, status.value),
            cursor,
            limit,
        )
        edges = [_follow(row) for row in rows]
        return page_from_overfetch(
            edges, limit, lambda f: encode_keyset_cursor(f.created_at, f.follower_id)
        )

    def following(self, user_id: str, cursor: str | None, limit: int) -> Page[Follow]:
        rows = self._page(
            "SELECT * FROM follows WHERE follower_id = ? AND status = ?",
            "followee_id",
            (user_id, _ACTIVE),
            cursor,
            limit,
        )
        edges = [_follow(row) for row in rows]
        return page_from_overfetch(
            edges, limit, lambda f: encode_keyset_cursor(f.created_at, f.followee_id)
        )

    def follower_ids_after(self, user_id: str, after: str | None, limit: int) -> Sequence[str]:
        if limit < 1:
            return []
        select = "SELECT follower_id FROM follows WHERE followee_id = ? AND status = ?"
        params: tuple[str | int, ...] = (user_id, _ACTIVE)
        if after is not None:
            select += " AND follower_id > ?"
            params += (after,)
        rows = self._db.query(select + " ORDER BY follower_id LIMIT ?", (*params, limit))
        return [row["follower_id"] for row in rows]

    def following_ids(self, user_id: str) -> Sequence[str]:
        rows = self._db.query(
            "SELECT followee_id FROM follows WHERE follower_id = ? AND status = ?",
            (user_id, _ACTIVE),
        )
        return [row["followee_id"] for row in rows]

    def followed_among(self, user_id: str, candidates: Iterable[str]) -> set[str]:
        _wanted, param = json_ids(candidates)
        rows = self._db.query(
            "SELECT followee_id FROM follows WHERE follower_id = ? AND status = ?"
            f" AND followee_id IN {JSON_IDS}",
            (user_id, _ACTIVE, param),
        )
        return {row["followee_id"] for row in rows}

    def count_followers(self, user_id: str) -> int:
        return self._count(user_id, "follower_count")

    def follower_counts(self, user_ids: Iterable[str]) -> dict[str, int]:
        wanted, param = json_ids(user_ids)
        rows = self._db.query(
            f"SELECT user_id, follower_count FROM follow_counts WHERE user_id IN {JSON_IDS}",
            (param,),
        )
        found = {row["user_id"]: int(row["follower_count"]) for row in rows}
        return {user_id: found.get(user_id, 0) for user_id in wanted}

    def popular_followees(self, user_id: str, more_than: int) -> list[str]:
        rows = self._db.query(
            "SELECT follows.followee_id FROM follows JOIN follow_counts"
            " ON follow_counts.user_id = follows.followee_id"
            " WHERE follows.follower_id = ? AND follows.status = ?"
            " AND follow_counts.follower_count > ?",
            (user_id, _ACTIVE, more_than),
        )
        return [row["followee_id"] for row in rows]

    def mutual_counts(self, viewer_id: str, user_ids: Iterable[str]) -> dict[str, int]:
        wanted, param = json_ids(user_ids)
        rows = self._db.query(
            "SELECT theirs.followee_id AS user_id, COUNT(*) AS n"
            " FROM follows AS mine JOIN follows AS theirs"
            " ON theirs.follower_id = mine.followee_id"
            " WHERE mine.follower_id = ? AND mine.status = ? AND theirs.status = ?"
            f" AND theirs.followee_id IN {JSON_IDS} GROUP BY theirs.followee_id",
            (viewer_id, _ACTIVE, _ACTIVE, param),
        )
        found = {row["user_id"]: int(row["n"]) for row in rows}
        return {user_id: found.get(user_id, 0) for user_id in wanted}

    def count_following(self, user_id: str) -> int:
        return self._count(user_id, "following_count")

    def _count(self, user_id: str, column: str) -> int:
        row = self._db.query_one(
            f"SELECT {column} FROM follow_counts WHERE user_id = ?", (user_id,)
        )
        return 0 if row is None else int(row[column])

    def _page(
        self, select: str, other: str, params: tuple[str, str], cursor: str | None, limit: int
    ) -> list[sqlite3.Row]:
        """Fetch ``limit + 1`` rows older than the cursor, newest first, by (created_at, id)."""
        if limit < 1:
            raise InvalidInput("limit must be positive")
        after: tuple[int | str, ...] = ()
        if cursor is not None:
            select += f" AND (created_at, {other}) < (?, ?)"
            after = decode_keyset_cursor(cursor)
        order = f" ORDER BY created_at DESC, {other} DESC LIMIT ?"
        return self._db.query(select + order, (*params, *after, limit + 1))

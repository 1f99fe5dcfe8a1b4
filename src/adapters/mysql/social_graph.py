"""The follow graph in MySQL: the seed's ``follows`` table, counters on the ``users`` rows.

Every write (``put``, ``activate``, ``remove``, and a block in
:mod:`instagram_adapters.mysql.restrictions`) first locks both accounts' ``users`` rows, in
key order, with one ``SELECT ... FOR UPDATE``. That is the point where a follow and a block of the
same pair are ordered: whichever comes second waits, then reads the other's committed
result (READ COMMITTED reads afresh per statement), so a follow never lands after a block
that missed it. Taking the rows first, in key order, also means opposite follows (a->b,
b->a) cannot deadlock, and the edge insert's foreign-key checks find the rows already held.
Then the edge is locked, the counters adjusted (they move only when an edge enters or
leaves ``active``) and the edge written, in one transaction. Two concurrent inserts of the
same new edge serialise on the users rows, so the second finds the edge; a duplicate-key
error would still rerun the transaction.

Both accounts must exist in ``users`` (foreign keys): ``put`` raises ``NotFound`` if not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import pymysql

from instagram_adapters.keyset import encode_keyset_cursor
from instagram_adapters.mysql.codecs import (
    cursor_position,
    from_utc_naive,
    in_batches,
    to_utc_naive,
)
from instagram_adapters.mysql.connect import Cursor
from instagram_adapters.mysql.errors import (
    DUPLICATE_KEY,
    MISSING_PARENT_ROW,
    Contention,
    error_code,
)
from instagram_adapters.mysql.pool import MySqlPool
from instagram_core.domain.errors import InvalidInput, NotFound
from instagram_core.domain.pagination import Page, page_from_overfetch
from instagram_core.domain.social import Follow, FollowStatus

_EDGE = "SELECT follower_id, followee_id, status, created_at FROM follows"
_ACTIVE = FollowStatus.ACTIVE.value


def _follow(row: Mapping[str, Any]) -> Follow:
    return Follow(
        follower_id=row["follower_id"],
        followee_id=row["followee_id"],
        status=FollowStatus(row["status"]),
        created_at=from_utc_naive(row["created_at"]),
    )


def _locked_edge(cur: Cursor, follower_id: str, followee_id: str) -> Follow | None:
    cur.execute(
        _EDGE + " WHERE follower_id = %s AND followee_id = %s FOR UPDATE",
        (follower_id, followee_id),
    )
    row = cur.fetchone()
    return None if row is None else _follow(row)


def lock_accounts(cur: Cursor, user_a: str, user_b: str) -> None:
    """Lock both users rows in key order: the serialisation point of every graph write."""
    cur.execute(
        "SELECT user_id FROM users WHERE user_id IN (%s, %s) ORDER BY user_id FOR UPDATE",
        (user_a, user_b),
    )
    cur.fetchall()


def blocked_between(cur: Cursor, user_a: str, user_b: str) -> bool:
    cur.execute(
        "SELECT 1 FROM blocks WHERE (blocker_id = %s AND blocked_id = %s)"
        " OR (blocker_id = %s AND blocked_id = %s) LIMIT 1",
        (user_a, user_b, user_b, user_a),
    )
    return cur.fetchone() is not None


def _adjust_counts(cur: Cursor, follower_id: str, followee_id: str, delta: int) -> None:
    cur.execute(
        "UPDATE users SET follower_count = follower_count + IF(user_id = %s, %s, 0),"
        " following_count = following_count + IF(user_id = %s, %s, 0)"
        " WHERE user_id IN (%s, %s) ORDER BY user_id",
        (followee_id, delta, follower_id, delta, follower_id, followee_id),
    )


def _insert_edge(cur: Cursor, follow: Follow, created_at: datetime) -> None:
    try:
        cur.execute(
            "INSERT INTO follows (follower_id, followee_id, status, created_at)"
            " VALUES (%s, %s, %s, %s)",
            (follow.follower_id, follow.followee_id, follow.status.value, created_at),
        )
    except pymysql.IntegrityError as exc:
        if error_code(exc) == DUPLICATE_KEY:
            raise Contention("a concurrent put inserted the same edge") from exc
        if error_code(exc) == MISSING_PARENT_ROW:
            raise NotFound("both accounts of a follow must exist") from exc
        raise


def _put(cur: Cursor, follow: Follow, created_at: datetime) -> Follow | None:
    lock_accounts(cur, follow.follower_id, follow.followee_id)
    if blocked_between(cur, follow.follower_id, follow.followee_id):
        raise NotFound("no follow is possible across a block")
    before = _locked_edge(cur, follow.follower_id, follow.followee_id)
    if before is not None and before.status == follow.status:
        return before
    was_active = before is not None and before.is_active
    if was_active != follow.is_active:
        _adjust_counts(cur, follow.follower_id, follow.followee_id, 1 if follow.is_active else -1)
    if before is None:
        _insert_edge(cur, follow, created_at)
    else:
        cur.execute(
            "UPDATE follows SET status = %s WHERE follower_id = %s AND followee_id = %s",
            (follow.status.value, follow.follower_id, follow.followee_id),
        )
    return before


def _activate(cur: Cursor, follower_id: str, followee_id: str) -> Follow | None:
    lock_accounts(cur, follower_id, followee_id)
    edge = _locked_edge(cur, follower_id, followee_id)
    if edge is None or edge.is_active:
        return None
    _adjust_counts(cur, follower_id, followee_id, 1)
    cur.execute(
        "UPDATE follows SET status = %s WHERE follower_id = %s AND followee_id = %s",
        (_ACTIVE, follower_id, followee_id),
    )
    return Follow(follower_id, followee_id, FollowStatus.ACTIVE, edge.created_at)


def remove_edge(cur: Cursor, follower_id: str, followee_id: str) -> Follow | None:
    """Delete the edge in the caller's transaction, which has locked both accounts."""
    edge = _locked_edge(cur, follower_id, followee_id)
    if edge is None:
        return None
    if edge.is_active:
        _adjust_counts(cur, follower_id, followee_id, -1)
    cur.execute(
        "DELETE FROM follows WHERE follower_id = %s AND followee_id = %s",
        (follower_id, followee_id),
    )
    return edge


def _remove(cur: Cursor, follower_id: str, followee_id: str) -> Follow | None:
    lock_accounts(cur, follower_id, followee_id)
    return remove_edge(cur, follower_id, followee_id)


def _remove_pending(cur: Cursor, follower_id: str, followee_id: str) -> Follow | None:
    lock_accounts(cur, follower_id, followee_id)
    edge = _locked_edge(cur, follower_id, followee_id)
    if edge is None or edge.is_active:
        return None
    return remove_edge(cur, follower_id, followee_id)


class MySqlSocialGraph:
    """A :class:`~instagram_core.ports.SocialGraph` on a :class:`MySqlPool`."""

    def __init__(self, pool: MySqlPool) -> None:
        self._pool = pool

    def get(self, follower_id: str, followee_id: str) -> Follow | None:
        rows = self._pool.query(
            _EDGE + " WHERE follower_id = %s AND followee_id = %s", (follower_id, followee_id)
        )
        return _follow(rows[0]) if rows else None

    def put(self, follow: Follow) -> Follow | None:
        created_at = to_utc_naive(follow.created_at)  # rejects a naive datetime up front
        return self._pool.run_in_transaction(lambda cur: _put(cur, follow, created_at))

    def remove(self, follower_id: str, followee_id: str) -> Follow | None:
        return self._pool.run_in_transaction(lambda cur: _remove(cur, follower_id, followee_id))

    def remove_pending(self, follower_id: str, followee_id: str) -> Follow | None:
        return self._pool.run_in_transaction(
            lambda cur: _remove_pending(cur, follower_id, followee_id)
        )

    def activate(self, follower_id: str, followee_id: str) -> Follow | None:
        return self._pool.run_in_transaction(lambda cur: _activate(cur, follower_id, followee_id))

    def followers(
        self, user_id: str, status: FollowStatus, cursor: str | None, limit: int
    ) -> Page[Follow]:
        edges = self._page("followee_id", "follower_id", user_id, status, cursor, limit)
        return page_from_overfetch(
            edges, limit, lambda f: encode_keyset_cursor(f.created_at, f.follower_id)
        )

    def following(self, user_id: str, cursor: str | None, limit: int) -> Page[Follow]:
        edges = self._page(
            "follower_id", "followee_id", user_id, FollowStatus.ACTIVE, cursor, limit
        )
        return page_from_overfetch(
            edges, limit, lambda f: encode_keyset_cursor(f.created_at, f.followee_id)
        )

    def follower_ids_after(self, user_id: str, after: str | None, limit: int) -> Sequence[str]:
        if limit < 1:
            return []
        select = "SELECT follower_id FROM follows WHERE followee_id = %s AND status = %s"
        params: tuple[str | int, ...] = (user_id, _ACTIVE)
        if after is not None:
            select += " AND follower_id > %s"
            params += (after,)
        rows = self._pool.query(select + " ORDER BY follower_id LIMIT %s", (*params, limit))
        return [row["follower_id"] for row in rows]

    def following_ids(self, user_id: str) -> Sequence[str]:
        rows = self._pool.query(
            "SELECT followee_id FROM follows WHERE follower_id = %s AND status = %s",
            (user_id, _ACTIVE),
        )
        return [row["followee_id"] for row in rows]

    def followed_among(self, user_id: str, candidates: Iterable[str]) -> set[str]:
        followed: set[str] = set()
        for batch in in_batches(candidates):
            rows = self._pool.query(
                "SELECT followee_id FROM follows WHERE follower_id = %s AND status = %s"
                " AND followee_id IN %s",
                (user_id, _ACTIVE, batch),
            )
            followed.update(row["followee_id"] for row in rows)
        return followed

    def count_followers(self, user_id: str) -> int:
        return self._count(user_id, "follower_count")

    def follower_counts(self, user_ids: Iterable[str]) -> Mapping[str, int]:
        counts: dict[str, int] = {}
        for batch in in_batches(user_ids):
            counts.update(dict.fromkeys(batch, 0))
            rows = self._pool.query(
                "SELECT user_id, follower_count FROM users WHERE user_id IN %s", (batch,)
            )
            counts.update((row["user_id"], int(row["follower_count"])) for row in rows)
        return counts

    def popular_followees(self, user_id: str, more_than: int) -> Sequence[str]:
        rows = self._pool.query(
            "SELECT follows.followee_id FROM follows JOIN users"
            " ON users.user_id = follows.followee_id"
            " WHERE follows.follower_id = %s AND follows.status = %s"
            " AND users.follower_count > %s",
            (user_id, _ACTIVE, more_than),
        )
        return [row["followee_id"] for row in rows]

    def mutual_counts(self, viewer_id: str, user_ids: Iterable[str]) -> Mapping[str, int]:
        counts: dict[str, int] = {}
        for batch in in_batches(user_ids):
            counts.update(dict.fromkeys(batch, 0))
            rows = self._pool.query(
                "SELECT theirs.followee_id AS user_id, COUNT(*) AS n"
                " FROM follows AS mine JOIN follows AS theirs"
                " ON theirs.follower_id = mine.followee_id"
                " WHERE mine.follower_id = %s AND mine.status = %s AND theirs.status = %s"
                " AND theirs.followee_id IN %s GROUP BY theirs.followee_id",
                (viewer_id, _ACTIVE, _ACTIVE, batch),
            )
            counts.update((row["user_id"], int(row["n"])) for row in rows)
        return counts

    def count_following(self, user_id: str) -> int:
        return self._count(user_id, "following_count")

    def _count(self, user_id: str, column: str) -> int:
        rows = self._pool.query(f"SELECT {column} FROM users WHERE user_id = %s", (user_id,))
        return int(rows[0][column]) if rows else 0

    def _page(
        self,
        owner: str,
        other: str,
        user_id: str,
        status: FollowStatus,
        cursor: str | None,
        limit: int,
    ) -> list[Follow]:
        """``limit + 1`` edges older than the cursor, newest first, by (created_at, other id):
        a backward range scan of the (owner, status, created_at, other) index."""
        if limit < 1:
            raise InvalidInput("limit must be positive")
        select = f"{_EDGE} WHERE {owner} = %s AND status = %s"
        params: tuple[Any, ...] = (user_id, status.value)
        if cursor is not None:
            moment, other_id = cursor_position(cursor)
            select += f" AND (created_at < %s OR (created_at = %s AND {other} < %s))"
            params += (moment, moment, other_id)
        order = f" ORDER BY created_at DESC, {other} DESC LIMIT %s"
        return [_follow(row) for row in self._pool.query(select + order, (*params, limit + 1))]

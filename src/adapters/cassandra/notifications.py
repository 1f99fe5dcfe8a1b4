"""The Activity tab on Cassandra, in bounded partitions (migration 0007; the partition
math is in docs/data-model.md; ``actor_times`` from migration 0008).

- ``activity ((recipient_id, bucket), slot)``: the rows a page lists, one partition per
  bucket of ids (an hour's by default). A group collapsing within its bucket overwrites its
  row in place under its slot (the id the row was first written with): a burst of likes
  costs no tombstone. A group moving to a newer bucket deletes its old row: one tombstone
  per group and bucket. Each write's timestamp is its notification id, so the newest
  state wins however late an older write lands. ``activity_buckets`` lists a recipient's
  non-empty buckets.
- ``notification_heads ((recipient_id, group_key))``: each group's newest notification,
  whole, and the slot of its row. Advancing a group is a compare-and-set on the head first,
  then one logged batch of row writes, so the loser of a race writes nothing. A process
  dying between the two leaves the group's row showing its previous state (or, across a
  bucket, one extra row) until the group next advances; never a lost or doubly counted
  actor, since the actor sets and the head hold the truth.
- ``notification_actors ((recipient_id, group_id, shard), actor_id)``: a run's distinct
  actors over :data:`ACTOR_SHARDS` partitions.
- ``notification_read_marks`` (migration 0005): the read mark, newest first.
"""

from __future__ import annotations

import secrets
import zlib
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any

from cassandra.query import UNSET_VALUE

from instagram_adapters.cassandra.buckets import HOUR_OF_IDS, bucket_of, walk
from instagram_adapters.cassandra.session import CassandraSession
from instagram_adapters.rows.codecs import from_micros, to_micros
from instagram_core.domain.errors import Conflict, Unavailable
from instagram_core.domain.notifications import Notification, NotificationKind

ACTOR_SHARDS = 64
"""Partitions per group run's actor set (see docs/data-model.md)."""

# Attempts at raising a group's head past concurrent writers before giving up (503).
_HEAD_ATTEMPTS = 16

_FIELDS = (
    "notification_id",
    "kind",
    "actor_ids",
    "actor_count",
    "created_us",
    "post_id",
    "comment_id",
    "group_id",
    "actor_times",
)
_ROW_COLUMNS = ", ".join(("recipient_id", "group_key", *_FIELDS))
_ROW_MARKS = ", ".join("?" * (len(_FIELDS) + 2))
# Every write to ``activity`` carries its notification's id as write timestamp, so
# last-write-wins follows the group's order whatever order the writes land in: a winner of
# the head whose batch lands after the next winner's cannot bring back an older state.
_WRITE_ROW = (
    f"INSERT INTO activity ({_ROW_COLUMNS}, bucket, slot) VALUES ({_ROW_MARKS}, ?, ?)"
    " USING TIMESTAMP ?"
)
_DELETE_ROW = (
    "DELETE FROM activity USING TIMESTAMP ? WHERE recipient_id = ? AND bucket = ? AND slot = ?"
)
_FIND_ID = (
    "SELECT slot, group_key FROM activity"
    " WHERE recipient_id = ? AND bucket = ? AND notification_id = ?"
)
_BUCKET_ROWS = f"SELECT {_ROW_COLUMNS} FROM activity WHERE recipient_id = ? AND bucket = ?"
_INDEX_BUCKET = "INSERT INTO activity_buckets (recipient_id, bucket) VALUES (?, ?)"
_BUCKETS = "SELECT bucket FROM activity_buckets WHERE recipient_id = ?"
_BUCKETS_UP_TO = _BUCKETS + " AND bucket <= ?"
_BUCKETS_FROM = _BUCKETS + " AND bucket >= ?"

_HEAD_COLUMNS = ", ".join((*_FIELDS, "slot"))
_HEAD = f"SELECT {_HEAD_COLUMNS} FROM notification_heads WHERE recipient_id = ? AND group_key = ?"
_CLAIM_HEAD = (
    f"INSERT INTO notification_heads (recipient_id, group_key, {_HEAD_COLUMNS})"
    f" VALUES (?, ?, {', '.join('?' * (len(_FIELDS) + 1))}) IF NOT EXISTS"
)
_MOVE_HEAD = (
    "UPDATE notification_heads SET "
    + ", ".join(f"{name} = ?" for name in (*_FIELDS, "slot"))
    + " WHERE recipient_id = ? AND group_key = ? IF notification_id = ?"
)
_DROP_HEAD = (
    "DELETE FROM notification_heads WHERE recipient_id = ? AND group_key = ? IF notification_id = ?"
)

_ADD_ACTOR = (
    "INSERT INTO notification_actors (recipient_id, group_id, shard, actor_id)"
    " VALUES (?, ?, ?, ?) IF NOT EXISTS"
)
_ACTORS_AMONG = (
    "SELECT actor_id FROM notification_actors"
    " WHERE recipient_id = ? AND group_id = ? AND shard = ? AND actor_id IN ?"
)

_MARK = "INSERT INTO notification_read_marks (recipient_id, read_up_to) VALUES (?, ?)"
_DROP_OLDER_MARKS = "DELETE FROM notification_read_marks WHERE recipient_id = ? AND read_up_to < ?"
_READ_MARK = "SELECT read_up_to FROM notification_read_marks WHERE recipient_id = ? LIMIT 1"

Write = tuple[str, Sequence[Any]]
Writes = list[Write]
Values = list[Any]  # bound values (``list`` names a method inside the store)


def shard_of(actor_id: str) -> int:
    """The actor-set shard of ``actor_id``: a stable hash (Python's ``hash`` is salted)."""
    return zlib.crc32(actor_id.encode()) % ACTOR_SHARDS


def _fields(notification: Notification, fresh: bool) -> list[Any]:
    """The :data:`_FIELDS` values. A fresh row leaves absent values unset rather than null:
    a bound null writes a cell tombstone, an unset value writes nothing."""
    absent = UNSET_VALUE if fresh else None
    return [
        notification.notification_id,
        notification.kind.value,
        list(notification.actor_ids),
        notification.actor_count,
        to_micros(notification.created_at),
        absent if notification.post_id is None else notification.post_id,
        absent if notification.comment_id is None else notification.comment_id,
        notification.group_id,
        [to_micros(t) for t in notification.actor_times],
    ]


def _notification(recipient_id: str, group_key: str, row: Any) -> Notification:
    return Notification(
        notification_id=row.notification_id,
        recipient_id=recipient_id,
        kind=NotificationKind(row.kind),
        group_key=group_key,
        actor_ids=tuple(row.actor_ids or ()),
        actor_count=row.actor_count,
        created_at=from_micros(row.created_us),
        post_id=row.post_id,
        comment_id=row.comment_id,
        group_id=row.group_id,
        actor_times=tuple(from_micros(t) for t in row.actor_times or ()),
    )


def _newest_first(rows: Sequence[Any], keep: Callable[[int], bool]) -> list[Notification]:
    """A bucket's rows that ``keep`` accepts (by id), newest first: a collapsed row keeps
    its first id's slot, so a bucket's order is by id, not by clustering key."""
    kept = sorted(
        (r for r in rows if keep(r.notification_id)),
        key=lambda r: r.notification_id,
        reverse=True,
    )
    return [_notification(r.recipient_id, r.group_key, r) for r in kept]


class CassandraNotificationStore:
    """A :class:`~instagram_core.ports.NotificationStore` on Cassandra; ``bucket_width`` is
    the number of ids per Activity bucket (an hour's; tests pass a few to cross buckets)."""

    def __init__(self, session: CassandraSession, bucket_width: int = HOUR_OF_IDS) -> None:
        self._db = session
        self._width = bucket_width

    def add(self, notification: Notification) -> None:
        recipient, new_id = notification.recipient_id, notification.notification_id
        if self._find(recipient, new_id) is not None:
            raise Conflict(f"notification {new_id} exists")
        self._db.batch(self._fresh_row(notification))
        self._raise_head(notification, new_id, replaced=None)

    def latest_in_group(self, recipient_id: str, group_key: str) -> Notification | None:
        head = self._db.execute(_HEAD, (recipient_id, group_key)).one()
        return None if head is None else _notification(recipient_id, group_key, head)

    def advance_group(
        self, expected_id: int | None, notification: Notification, replace_expected: bool
    ) -> bool:
        """The head's compare-and-set first, then the row writes (see the module's
        docstring): of racing advances only the winner touches the Activity rows."""
        recipient, key = notification.recipient_id, notification.group_key
        new_id = notification.notification_id
        if new_id != expected_id and self._find(recipient, new_id) is not None:
            raise Conflict(f"notification {new_id} exists")
        head = self._db.execute(_HEAD, (recipient, key)).one()
        writes: Writes
        if expected_id is None:
            if head is not None:
                return False
            writes = list(self._fresh_row(notification))
            won, _ = self._db.applied(_CLAIM_HEAD, self._head_values(notification, new_id))
        else:
            if head is None or head.notification_id != expected_id:
                return False
            if replace_expected:
                slot, writes = self._moved_row(notification, expected_id, head.slot)
            else:
                slot, writes = new_id, list(self._fresh_row(notification))
            won, _ = self._db.applied(
                _MOVE_HEAD, (*self._head_fields(notification, slot), recipient, key, expected_id)
            )
        if won:
            self._db.batch(writes)
        return won

    def replace(self, old_id: int, notification: Notification) -> None:
        recipient, new_id = notification.recipient_id, notification.notification_id
        if old_id != new_id and self._find(recipient, new_id) is not None:
            raise Conflict(f"notification {new_id} exists")
        old = self._find(recipient, old_id)
        if old is None:
            self._db.batch(self._fresh_row(notification))
            self._raise_head(notification, new_id, replaced=None)
            return
        old_slot, old_group = old
        slot, writes = self._moved_row(notification, old_id, old_slot)
        self._db.batch(writes)
        self._raise_head(notification, slot, replaced=old_id)
        if old_group != notification.group_key:
            # The old group loses its newest row; its head goes rather than name a gone row.
            self._db.applied(_DROP_HEAD, (recipient, old_group, old_id))

    def list(self, recipient_id: str, before: int | None, limit: int) -> Sequence[Notification]:
        if limit <= 0:
            return []
        if before is None:
            rows = self._db.iterate(_BUCKETS, (recipient_id,))
        else:
            rows = self._db.iterate(_BUCKETS_UP_TO, (recipient_id, bucket_of(before, self._width)))
        return self._walk(recipient_id, rows, lambda i: before is None or i < before, limit)

    def newer_than(self, recipient_id: str, after: int, limit: int) -> Sequence[Notification]:
        if limit <= 0:
            return []
        rows = self._db.iterate(_BUCKETS_FROM, (recipient_id, bucket_of(after, self._width)))
        return self._walk(recipient_id, rows, lambda i: i > after, limit)

    def add_actor(self, recipient_id: str, group_id: int, actor_id: str) -> bool:
        applied, _ = self._db.applied(
            _ADD_ACTOR, (recipient_id, group_id, shard_of(actor_id), actor_id)
        )
        return applied

    def actors_among(
        self, recipient_id: str, group_id: int, candidates: Collection[str]
    ) -> set[str]:
        """One IN read per shard the candidates fall in (at most 100 keys each), run
        concurrently."""
        by_shard: dict[int, list[str]] = {}
        for actor in sorted(set(candidates)):
            by_shard.setdefault(shard_of(actor), []).append(actor)
        params = [
            (recipient_id, group_id, shard, actors[start : start + 100])
            for shard, actors in by_shard.items()
            for start in range(0, len(actors), 100)
        ]
        found = self._db.rows_of_many(_ACTORS_AMONG, params)
        return {row.actor_id for rows in found for row in rows}

    def mark_read(self, recipient_id: str, up_to: int) -> None:
        self._db.execute(_MARK, (recipient_id, up_to))
        self._db.execute(_DROP_OLDER_MARKS, (recipient_id, up_to))

    def read_up_to(self, recipient_id: str) -> int:
        row = self._db.execute(_READ_MARK, (recipient_id,)).one()
        return 0 if row is None else int(row.read_up_to)

    def _walk(
        self,
        recipient_id: str,
        bucket_rows: Iterator[Any],
        keep: Callable[[int], bool],
        limit: int,
    ) -> Sequence[Notification]:
        buckets = (row.bucket for row in bucket_rows)

        def read_wave(wave: Sequence[int]) -> Sequence[Sequence[Notification]]:
            found = self._db.rows_of_many(_BUCKET_ROWS, [(recipient_id, b) for b in wave])
            return [_newest_first(rows, keep) for rows in found]

        return walk(buckets, read_wave, limit)

    def _find(self, recipient_id: str, notification_id: int) -> tuple[int, str] | None:
        """The slot and group of the recipient's notification with this id, if any."""
        bucket = bucket_of(notification_id, self._width)
        row = self._db.execute(_FIND_ID, (recipient_id, bucket, notification_id)).one()
        return None if row is None else (row.slot, row.group_key)

    def _moved_row(
        self, notification: Notification, old_id: int, old_slot: int
    ) -> tuple[int, Writes]:
        """The slot and the writes that put ``notification`` in place of the row of
        ``old_id`` (under ``old_slot``): an overwrite in place when the new id is newer and
        in the same bucket (no tombstone); otherwise a new row and the old row's delete."""
        new_id = notification.notification_id
        old_bucket = bucket_of(old_id, self._width)
        if new_id > old_id and old_bucket == bucket_of(new_id, self._width):
            # The bucket's index row again too: idempotent, and it lists the bucket should
            # the batch that made this row have died after the head moved.
            return old_slot, [
                (_INDEX_BUCKET, (notification.recipient_id, old_bucket)),
                (_WRITE_ROW, self._row_values(notification, old_slot, fresh=False)),
            ]
        # The same id again (a replace that rewrites a notification) cannot outdate its own
        # write timestamp: it moves to a spare slot, never used before, as the old one goes.
        slot = new_id if new_id != old_id else -1 - secrets.randbits(62)
        delete = (
            _DELETE_ROW,
            (max(old_id, new_id), notification.recipient_id, old_bucket, old_slot),
        )
        return slot, [*self._fresh_row(notification, slot), delete]

    def _fresh_row(self, notification: Notification, slot: int | None = None) -> Sequence[Write]:
        """A new row (under its own id as slot unless given another), and its bucket's
        index row."""
        new_id = notification.notification_id
        bucket = bucket_of(new_id, self._width)
        return [
            (_INDEX_BUCKET, (notification.recipient_id, bucket)),
            (_WRITE_ROW, self._row_values(notification, new_id if slot is None else slot, True)),
        ]

    def _row_values(self, notification: Notification, slot: int, fresh: bool) -> Values:
        bucket = bucket_of(notification.notification_id, self._width)
        return [
            notification.recipient_id,
            notification.group_key,
            *_fields(notification, fresh),
            bucket,
            slot,
            notification.notification_id,  # the write timestamp
        ]

    @staticmethod
    def _head_fields(notification: Notification, slot: int) -> Values:
        return [*_fields(notification, fresh=False), slot]

    def _head_values(self, notification: Notification, slot: int) -> Values:
        return [
            notification.recipient_id,
            notification.group_key,
            *_fields(notification, True),
            slot,
        ]

    def _raise_head(self, notification: Notification, slot: int, replaced: int | None) -> None:
        """Make ``notification`` its group's head unless the head is newer (and is not the
        ``replaced`` id): compare-and-set, retried past concurrent writers."""
        recipient, key = notification.recipient_id, notification.group_key
        for _ in range(_HEAD_ATTEMPTS):
            head = self._db.execute(_HEAD, (recipient, key)).one()
            if head is None:
                won, _ = self._db.applied(_CLAIM_HEAD, self._head_values(notification, slot))
            elif head.notification_id < notification.notification_id or (
                head.notification_id == replaced
            ):
                won, _ = self._db.applied(
                    _MOVE_HEAD,
                    (*self._head_fields(notification, slot), recipient, key, head.notification_id),
                )
            else:
                return
            if won:
                return
        raise Unavailable(f"notification group {key!r} kept changing; will retry")

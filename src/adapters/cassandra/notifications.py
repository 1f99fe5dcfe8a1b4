"""The Activity tab on Cassandra: a recipient's notifications in hourly buckets, where a
collapsing group overwrites its row instead of deleting and re-inserting it.

Three tables (docs/data-model.md has their partition math):

- ``activity``, keyed ``((recipient_id, bucket), slot)``: the rows a page lists. ``slot`` is
  the id a row was first written with; the bucket is the hour of that id. When a group
  collapses ("alice and 42 others"), the row of its latest notification is overwritten in
  place under its slot with the new id, actors and count, as long as the new id falls in
  the same bucket: a burst of likes costs no tombstone at all. Only when the group moves to
  a newer bucket is the old row deleted, one tombstone per group and hour, however many
  likes it drew. A page reads a bucket whole and sorts it by id (a bucket holds one hour of
  a recipient's groups), walking the buckets newest first through
  ``notification_buckets``. A storage-attached index on ``notification_id`` finds the row
  of an id inside its bucket's partition (to replace it, or to refuse a reused id).
- ``notification_buckets``, keyed ``(recipient_id, bucket)`` newest first: the recipient's
  non-empty buckets.
- ``notification_groups``, keyed ``((recipient_id, group_key), notification_id)`` newest
  first: "the latest of this group" is the first row of one partition. Superseded rows are
  deleted, but their tombstones sort after the live newest row, so that read never steps
  over them.

A write is one logged batch over these tables (all of it happens, or none).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from instagram_adapters.cassandra.buckets import HOUR_OF_IDS, bucket_of, walk
from instagram_adapters.cassandra.session import CassandraSession
from instagram_adapters.rows.codecs import from_micros, to_micros
from instagram_core.domain.errors import Conflict
from instagram_core.domain.notifications import Notification, NotificationKind

_FIELDS = (
    "notification_id",
    "kind",
    "group_key",
    "actor_ids",
    "actor_count",
    "created_us",
    "post_id",
    "comment_id",
)
_COLUMNS = ", ".join(("recipient_id", *_FIELDS))
_MARKS = ", ".join("?" * len(_FIELDS))
_WRITE_ROW = f"INSERT INTO activity ({_COLUMNS}, bucket, slot) VALUES (?, {_MARKS}, ?, ?)"
_DELETE_ROW = "DELETE FROM activity WHERE recipient_id = ? AND bucket = ? AND slot = ?"
_FIND_ID = (
    "SELECT slot, group_key FROM activity"
    " WHERE recipient_id = ? AND bucket = ? AND notification_id = ?"
)
_BUCKET_ROWS = f"SELECT {_COLUMNS} FROM activity WHERE recipient_id = ? AND bucket = ?"
_INDEX_BUCKET = "INSERT INTO notification_buckets (recipient_id, bucket) VALUES (?, ?)"
_BUCKETS = "SELECT bucket FROM notification_buckets WHERE recipient_id = ?"
_BUCKETS_FROM = _BUCKETS + " AND bucket <= ?"
_WRITE_GROUP = f"INSERT INTO notification_groups ({_COLUMNS}) VALUES (?, {_MARKS})"
_DELETE_GROUP = (
    "DELETE FROM notification_groups"
    " WHERE recipient_id = ? AND group_key = ? AND notification_id = ?"
)
_LATEST_IN_GROUP = (
    f"SELECT {_COLUMNS} FROM notification_groups WHERE recipient_id = ? AND group_key = ? LIMIT 1"
)

Write = tuple[str, Sequence[Any]]


def _values(notification: Notification) -> list[Any]:
    return [
        notification.recipient_id,
        notification.notification_id,
        notification.kind.value,
        notification.group_key,
        list(notification.actor_ids),
        notification.actor_count,
        to_micros(notification.created_at),
        notification.post_id,
        notification.comment_id,
    ]


def _notification(row: Any) -> Notification:
    return Notification(
        notification_id=row.notification_id,
        recipient_id=row.recipient_id,
        kind=NotificationKind(row.kind),
        group_key=row.group_key,
        actor_ids=tuple(row.actor_ids or ()),
        actor_count=row.actor_count,
        created_at=from_micros(row.created_us),
        post_id=row.post_id,
        comment_id=row.comment_id,
    )


def _newest_first(rows: Sequence[Any], before: int | None) -> list[Notification]:
    """A bucket's rows below ``before``, newest first: collapsed rows keep their first
    id's slot, so the bucket's order is by id, not by clustering key."""
    kept = [r for r in rows if before is None or r.notification_id < before]
    kept.sort(key=lambda r: r.notification_id, reverse=True)
    return [_notification(r) for r in kept]


class CassandraNotificationStore:
    """A :class:`~instagram_core.ports.NotificationStore` on Cassandra; ``bucket_width`` is
    the number of ids per bucket (an hour's; tests pass a few to cross buckets often)."""

    def __init__(self, session: CassandraSession, bucket_width: int = HOUR_OF_IDS) -> None:
        self._db = session
        self._width = bucket_width

    def add(self, notification: Notification) -> None:
        if self._find(notification.recipient_id, notification.notification_id) is not None:
            raise Conflict(f"notification {notification.notification_id} exists")
        self._db.batch(self._insert(notification))

    def latest_in_group(self, recipient_id: str, group_key: str) -> Notification | None:
        row = self._db.execute(_LATEST_IN_GROUP, (recipient_id, group_key)).one()
        return None if row is None else _notification(row)

    def replace(self, old_id: int, notification: Notification) -> None:
        recipient = notification.recipient_id
        new_id = notification.notification_id
        if old_id != new_id and self._find(recipient, new_id) is not None:
            raise Conflict(f"notification {new_id} exists")
        old = self._find(recipient, old_id)
        if old is None:
            self._db.batch(self._insert(notification))
            return
        slot, old_group = old
        old_bucket = bucket_of(old_id, self._width)
        values = _values(notification)
        writes: list[Write] = []
        if old_bucket == bucket_of(new_id, self._width):
            # The same hour: overwrite the row in place (no tombstone in the page's path).
            writes.append((_WRITE_ROW, (*values, old_bucket, slot)))
            writes.append((_WRITE_GROUP, values))
        else:
            writes.extend(self._insert(notification))
            writes.append((_DELETE_ROW, (recipient, old_bucket, slot)))
        if (old_group, old_id) != (notification.group_key, new_id):
            # A delete and a write of one row in one batch would share a timestamp and the
            # delete would win: only a row whose key changes is deleted.
            writes.append((_DELETE_GROUP, (recipient, old_group, old_id)))
        self._db.batch(writes)

    def list(self, recipient_id: str, before: int | None, limit: int) -> Sequence[Notification]:
        if limit <= 0:
            return []
        if before is None:
            rows = self._db.iterate(_BUCKETS, (recipient_id,))
        else:
            rows = self._db.iterate(_BUCKETS_FROM, (recipient_id, bucket_of(before, self._width)))
        buckets = (row.bucket for row in rows)

        def read_wave(wave: Sequence[int]) -> list[list[Notification]]:
            found = self._db.rows_of_many(_BUCKET_ROWS, [(recipient_id, b) for b in wave])
            return [_newest_first(rows, before) for rows in found]

        return walk(buckets, read_wave, limit)

    def _find(self, recipient_id: str, notification_id: int) -> tuple[int, str] | None:
        """The slot and group of the recipient's notification with this id, if any."""
        bucket = bucket_of(notification_id, self._width)
        row = self._db.execute(_FIND_ID, (recipient_id, bucket, notification_id)).one()
        return None if row is None else (row.slot, row.group_key)

    def _insert(self, notification: Notification) -> Sequence[Write]:
        """A new row (its own slot), its bucket's index row and its group row."""
        values = _values(notification)
        bucket = bucket_of(notification.notification_id, self._width)
        return [
            (_INDEX_BUCKET, (notification.recipient_id, bucket)),
            (_WRITE_ROW, (*values, bucket, notification.notification_id)),
            (_WRITE_GROUP, values),
        ]

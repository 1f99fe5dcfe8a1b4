"""The Activity tab on Cassandra, as the seed has it: partition ``recipient_id``, newest
first (``notification_id`` DESC).

Everything a write touches lives in the recipient's one partition, so ``replace`` (remove
the old group notification, add the collapsed one on top) is a single-partition
conditional batch: atomic and isolated, with the ``IF NOT EXISTS`` that refuses to clobber
another notification. "The latest of this group" reads the same partition through a
storage-attached index on ``group_key``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from cassandra.query import BatchStatement, BatchType

from instagram_adapters.cassandra.session import CassandraSession, unavailable_on_driver_error
from instagram_adapters.rows.codecs import from_micros, to_micros
from instagram_core.domain.errors import Conflict
from instagram_core.domain.notifications import Notification, NotificationKind

_NAMES = (
    "recipient_id",
    "notification_id",
    "kind",
    "group_key",
    "actor_ids",
    "actor_count",
    "created_us",
    "post_id",
    "comment_id",
    "group_id",
)
_COLUMNS = ", ".join(_NAMES)
_VALUES = f"({_COLUMNS}) VALUES ({', '.join('?' * len(_NAMES))})"
_INSERT = f"INSERT INTO notifications {_VALUES} IF NOT EXISTS"
_OVERWRITE = f"INSERT INTO notifications {_VALUES}"
_DELETE = "DELETE FROM notifications WHERE recipient_id = ? AND notification_id = ?"
_LATEST_IN_GROUP = (
    f"SELECT {_COLUMNS} FROM notifications WHERE recipient_id = ? AND group_key = ? LIMIT 1"
)
_PAGE = f"SELECT {_COLUMNS} FROM notifications WHERE recipient_id = ? LIMIT ?"
_PAGE_BEFORE = (
    f"SELECT {_COLUMNS} FROM notifications WHERE recipient_id = ? AND notification_id < ? LIMIT ?"
)
_PAGE_AFTER = (
    f"SELECT {_COLUMNS} FROM notifications WHERE recipient_id = ? AND notification_id > ? LIMIT ?"
)
_ADD_ACTOR = (
    "INSERT INTO notification_group_actors (recipient_id, group_id, actor_id) "
    "VALUES (?, ?, ?) IF NOT EXISTS"
)
_ACTORS_AMONG = (
    "SELECT actor_id FROM notification_group_actors "
    "WHERE recipient_id = ? AND group_id = ? AND actor_id IN ?"
)
_HEAD = "SELECT latest_id FROM notification_group_heads WHERE recipient_id = ? AND group_key = ?"
_BY_ID = f"SELECT {_COLUMNS} FROM notifications WHERE recipient_id = ? AND notification_id = ?"
_CLAIM_HEAD = (
    "INSERT INTO notification_group_heads (recipient_id, group_key, latest_id) "
    "VALUES (?, ?, ?) IF NOT EXISTS"
)
_MOVE_HEAD = (
    "UPDATE notification_group_heads SET latest_id = ? WHERE recipient_id = ? "
    "AND group_key = ? IF latest_id = ?"
)
_MARK = "INSERT INTO notification_read_marks (recipient_id, read_up_to) VALUES (?, ?)"
_DROP_OLDER_MARKS = "DELETE FROM notification_read_marks WHERE recipient_id = ? AND read_up_to < ?"
_READ_MARK = "SELECT read_up_to FROM notification_read_marks WHERE recipient_id = ? LIMIT 1"


def _row(notification: Notification) -> list[Any]:
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
        notification.group_id,
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
        group_id=row.group_id or row.notification_id,
    )


class CassandraNotificationStore:
    """A :class:`~instagram_core.ports.NotificationStore` on Cassandra."""

    def __init__(self, session: CassandraSession) -> None:
        self._db = session

    def add(self, notification: Notification) -> None:
        applied, _ = self._db.applied(_INSERT, _row(notification))
        if not applied:
            raise Conflict(f"notification {notification.notification_id} exists")

    def latest_in_group(self, recipient_id: str, group_key: str) -> Notification | None:
        """Through the group's head where there is one (every group advanced since
        migration 0005), else through the ``group_key`` index."""
        head = self._db.execute(_HEAD, (recipient_id, group_key)).one()
        if head is not None:
            row = self._db.execute(_BY_ID, (recipient_id, head.latest_id)).one()
            if row is not None:
                return _notification(row)
        row = self._db.execute(_LATEST_IN_GROUP, (recipient_id, group_key)).one()
        return None if row is None else _notification(row)

    def advance_group(
        self, expected_id: int | None, notification: Notification, replace_expected: bool
    ) -> bool:
        """The new row first, then the head's compare-and-set, then the old row's delete:
        the loser of a race removes the row it wrote. A process dying between the steps
        leaves at worst one extra row in the list, never a lost or double-counted group."""
        recipient, key = notification.recipient_id, notification.group_key
        new_id = notification.notification_id
        self.add(notification)
        head = self._db.execute(_HEAD, (recipient, key)).one()
        if head is None:
            # No head yet: a new group, or one written before heads existed (whose
            # newest the caller found through the index): the first claim wins.
            won, _ = self._db.applied(_CLAIM_HEAD, (recipient, key, new_id))
        else:
            won, _ = self._db.applied(_MOVE_HEAD, (new_id, recipient, key, expected_id))
        if not won:
            self._db.execute(_DELETE, (recipient, new_id))
            return False
        if replace_expected and expected_id is not None and expected_id != new_id:
            self._db.execute(_DELETE, (recipient, expected_id))
        return True

    def replace(self, old_id: int, notification: Notification) -> None:
        row = _row(notification)
        if old_id == notification.notification_id:
            # A delete and an insert of one row in one batch share a timestamp, and the
            # tombstone would win: overwrite instead.
            self._db.execute(_OVERWRITE, row)
            return
        batch = BatchStatement(batch_type=BatchType.LOGGED)
        batch.add(self._db.prepare(_DELETE), (notification.recipient_id, old_id))
        batch.add(self._db.prepare(_INSERT), row)
        with unavailable_on_driver_error("replace a notification"):
            result = self._db.raw.execute(batch)
        if not result.was_applied:
            raise Conflict(f"notification {notification.notification_id} exists")

    def list(self, recipient_id: str, before: int | None, limit: int) -> Sequence[Notification]:
        if limit <= 0:
            return []
        if before is None:
            rows = self._db.execute(_PAGE, (recipient_id, limit))
        else:
            rows = self._db.execute(_PAGE_BEFORE, (recipient_id, before, limit))
        return [_notification(row) for row in rows]

    def newer_than(self, recipient_id: str, after: int, limit: int) -> Sequence[Notification]:
        if limit <= 0:
            return []
        rows = self._db.execute(_PAGE_AFTER, (recipient_id, after, limit))
        return [_notification(row) for row in rows]

    def add_actor(self, recipient_id: str, group_id: int, actor_id: str) -> bool:
        applied, _ = self._db.applied(_ADD_ACTOR, (recipient_id, group_id, actor_id))
        return applied

    def actors_among(
        self, recipient_id: str, group_id: int, candidates: Collection[str]
    ) -> set[str]:
        wanted = sorted(set(candidates))
        found: set[str] = set()
        for start in range(0, len(wanted), 100):  # small IN lists: one partition, few keys
            rows = self._db.execute(
                _ACTORS_AMONG, (recipient_id, group_id, wanted[start : start + 100])
            )
            found.update(row.actor_id for row in rows)
        return found

    def mark_read(self, recipient_id: str, up_to: int) -> None:
        self._db.execute(_MARK, (recipient_id, up_to))
        self._db.execute(_DROP_OLDER_MARKS, (recipient_id, up_to))

    def read_up_to(self, recipient_id: str) -> int:
        row = self._db.execute(_READ_MARK, (recipient_id,)).one()
        return 0 if row is None else int(row.read_up_to)

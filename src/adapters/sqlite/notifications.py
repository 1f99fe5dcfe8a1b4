"""The Activity tab in SQLite, keyed like the Cassandra table: ``(recipient_id, notification_id)``.

``actor_ids`` is a short JSON array: it is only ever read and written whole.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from instagram_adapters.sqlite.codecs import conflict_on_integrity_error, from_micros, to_micros
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_core.domain.notifications import Notification, NotificationKind

SCHEMA = """
CREATE TABLE IF NOT EXISTS notifications (
    recipient_id TEXT NOT NULL,
    notification_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    group_key TEXT NOT NULL,
    actor_ids TEXT NOT NULL,
    actor_count INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    post_id INTEGER,
    comment_id INTEGER,
    PRIMARY KEY (recipient_id, notification_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS notifications_by_group
    ON notifications (recipient_id, group_key, notification_id);
"""

_COLUMNS = (
    "recipient_id, notification_id, kind, group_key, actor_ids, actor_count, created_at, "
    "post_id, comment_id"
)
_INSERT = f"INSERT INTO notifications ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"


def _row(notification: Notification) -> tuple[object, ...]:
    return (
        notification.recipient_id,
        notification.notification_id,
        notification.kind.value,
        notification.group_key,
        json.dumps(list(notification.actor_ids)),
        notification.actor_count,
        to_micros(notification.created_at),
        notification.post_id,
        notification.comment_id,
    )


def _notification(row: sqlite3.Row) -> Notification:
    return Notification(
        notification_id=int(row["notification_id"]),
        recipient_id=row["recipient_id"],
        kind=NotificationKind(row["kind"]),
        group_key=row["group_key"],
        actor_ids=tuple(json.loads(row["actor_ids"])),
        actor_count=int(row["actor_count"]),
        created_at=from_micros(row["created_at"]),
        post_id=row["post_id"],
        comment_id=row["comment_id"],
    )


class SqliteNotificationStore:
    """The durable :class:`~instagram_core.ports.NotificationStore` of the embedded profile."""

    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db
        db.apply_schema(SCHEMA)

    def add(self, notification: Notification) -> None:
        with conflict_on_integrity_error(f"notification {notification.notification_id} exists"):
            self._db.execute(_INSERT, _row(notification))

    def latest_in_group(self, recipient_id: str, group_key: str) -> Notification | None:
        row = self._db.query_one(
            f"SELECT {_COLUMNS} FROM notifications WHERE recipient_id = ? AND group_key = ? "
            "ORDER BY notification_id DESC LIMIT 1",
            (recipient_id, group_key),
        )
        return _notification(row) if row else None

    def replace(self, old_id: int, notification: Notification) -> None:
        """Removes ``old_id`` from ``notification``'s recipient; raises ``Conflict`` (changing
        nothing) if the new id exists and is not ``old_id``."""
        with (
            conflict_on_integrity_error(f"notification {notification.notification_id} exists"),
            self._db.transaction() as conn,
        ):
            conn.execute(
                "DELETE FROM notifications WHERE recipient_id = ? AND notification_id = ?",
                (notification.recipient_id, old_id),
            )
            conn.execute(_INSERT, _row(notification))

    def list(self, recipient_id: str, before: int | None, limit: int) -> Sequence[Notification]:
        if limit <= 0:  # SQLite reads a negative LIMIT as "no limit"
            return []
        if before is None:
            rows = self._db.query(
                f"SELECT {_COLUMNS} FROM notifications WHERE recipient_id = ? "
                "ORDER BY notification_id DESC LIMIT ?",
                (recipient_id, limit),
            )
        else:
            rows = self._db.query(
                f"SELECT {_COLUMNS} FROM notifications WHERE recipient_id = ? "
                "AND notification_id < ? ORDER BY notification_id DESC LIMIT ?",
                (recipient_id, before, limit),
            )
        return [_notification(row) for row in rows]

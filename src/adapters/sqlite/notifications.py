"""The Activity tab in SQLite, keyed like the Cassandra table: ``(recipient_id, notification_id)``.

``actor_ids`` is a short JSON array, and ``actor_times`` the matching array of when each
acted (microseconds): they are only ever read and written whole.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Sequence

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
    group_id INTEGER,
    actor_times TEXT,
    PRIMARY KEY (recipient_id, notification_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS notifications_by_group
    ON notifications (recipient_id, group_key, notification_id);
CREATE TABLE IF NOT EXISTS notification_group_actors (
    recipient_id TEXT NOT NULL,
    group_id INTEGER NOT NULL,
    actor_id TEXT NOT NULL,
    PRIMARY KEY (recipient_id, group_id, actor_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS notification_read_marks (
    recipient_id TEXT PRIMARY KEY,
    read_up_to INTEGER NOT NULL
) WITHOUT ROWID;
"""
# Tables made before groups had ids: their rows read ``group_id`` as their own id; rows
# made before actors had times read ``actor_times`` as none (see ``acted_at``).
_ADDED_COLUMNS = {"group_id": "INTEGER", "actor_times": "TEXT"}

_COLUMNS = (
    "recipient_id, notification_id, kind, group_key, actor_ids, actor_count, created_at, "
    "post_id, comment_id, group_id, actor_times"
)
_INSERT = f"INSERT INTO notifications ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


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
        notification.group_id,
        json.dumps([to_micros(t) for t in notification.actor_times]),
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
        group_id=int(row["group_id"] or row["notification_id"]),
        actor_times=tuple(from_micros(t) for t in json.loads(row["actor_times"] or "[]")),
    )


class SqliteNotificationStore:
    """The durable :class:`~instagram_core.ports.NotificationStore` of the embedded profile."""

    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db
        db.apply_schema(SCHEMA)
        db.ensure_columns("notifications", _ADDED_COLUMNS)

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

    def advance_group(
        self, expected_id: int | None, notification: Notification, replace_expected: bool
    ) -> bool:
        """One write transaction (SQLite's writer lock): read the group's newest, compare,
        write."""
        with (
            conflict_on_integrity_error(f"notification {notification.notification_id} exists"),
            self._db.transaction() as conn,
        ):
            row = conn.execute(
                "SELECT notification_id FROM notifications WHERE recipient_id = ? "
                "AND group_key = ? ORDER BY notification_id DESC LIMIT 1",
                (notification.recipient_id, notification.group_key),
            ).fetchone()
            if (int(row[0]) if row else None) != expected_id:
                return False
            if replace_expected and expected_id is not None:
                conn.execute(
                    "DELETE FROM notifications WHERE recipient_id = ? AND notification_id = ?",
                    (notification.recipient_id, expected_id),
                )
            conn.execute(_INSERT, _row(notification))
            return True

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

    def newer_than(self, recipient_id: str, after: int, limit: int) -> Sequence[Notification]:
        if limit <= 0:
            return []
        rows = self._db.query(
            f"SELECT {_COLUMNS} FROM notifications WHERE recipient_id = ? "
            "AND notification_id > ? ORDER BY notification_id DESC LIMIT ?",
            (recipient_id, after, limit),
        )
        return [_notification(row) for row in rows]

    def add_actor(self, recipient_id: str, group_id: int, actor_id: str) -> bool:
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO notification_group_actors (recipient_id, group_id, actor_id) "
            "VALUES (?, ?, ?)",
            (recipient_id, group_id, actor_id),
        )
        return cursor.rowcount == 1

    def actors_among(
        self, recipient_id: str, group_id: int, candidates: Collection[str]
    ) -> set[str]:
        wanted = sorted(set(candidates))
        found: set[str] = set()
        for start in range(0, len(wanted), 500):  # below SQLite's bound-parameter limit
            chunk = wanted[start : start + 500]
            rows = self._db.query(
                "SELECT actor_id FROM notification_group_actors WHERE recipient_id = ? "
                f"AND group_id = ? AND actor_id IN ({', '.join('?' * len(chunk))})",
                (recipient_id, group_id, *chunk),
            )
            found.update(row["actor_id"] for row in rows)
        return found

    def mark_read(self, recipient_id: str, up_to: int) -> None:
        self._db.execute(
            "INSERT INTO notification_read_marks (recipient_id, read_up_to) VALUES (?, ?) "
            "ON CONFLICT (recipient_id) DO UPDATE SET "
            "read_up_to = max(read_up_to, excluded.read_up_to)",
            (recipient_id, up_to),
        )

    def read_up_to(self, recipient_id: str) -> int:
        row = self._db.query_one(
            "SELECT read_up_to FROM notification_read_marks WHERE recipient_id = ?",
            (recipient_id,),
        )
        return int(row["read_up_to"]) if row else 0

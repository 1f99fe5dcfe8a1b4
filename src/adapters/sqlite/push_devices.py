"""Push devices and notification settings in the embedded profile's SQLite file."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence

from instagram_adapters.rows.devices import DEVICE_COLUMNS, device_from_row, settings_from_rows
from instagram_adapters.sqlite.codecs import from_micros, to_micros
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_core.domain.notifications import (
    Device,
    NotificationKind,
    NotificationSettings,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS push_devices (
    device_id INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL,
    platform TEXT NOT NULL,
    address TEXT NOT NULL,
    secret TEXT,
    created_at INTEGER NOT NULL,
    UNIQUE (platform, address)
);
CREATE INDEX IF NOT EXISTS push_devices_by_user ON push_devices (user_id, device_id);
CREATE TABLE IF NOT EXISTS notification_settings (
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    push INTEGER NOT NULL,
    PRIMARY KEY (user_id, kind)
) WITHOUT ROWID;
"""
_COLUMNS = DEVICE_COLUMNS


def _device(row: sqlite3.Row) -> Device:
    return device_from_row(row, from_micros(row["created_at"]))


class SqliteDeviceStore:
    """The :class:`~instagram_core.ports.DeviceStore` of the embedded profile."""

    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db
        db.apply_schema(SCHEMA)

    def register(self, device: Device) -> Device:
        with self._db.transaction() as conn:
            conn.execute(
                "DELETE FROM push_devices WHERE platform = ? AND address = ?",
                (device.platform.value, device.address),
            )
            conn.execute(
                f"INSERT INTO push_devices ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    device.device_id,
                    device.user_id,
                    device.platform.value,
                    device.address,
                    device.secret,
                    to_micros(device.created_at),
                ),
            )
        return device

    def get(self, device_id: int) -> Device | None:
        row = self._db.query_one(
            f"SELECT {_COLUMNS} FROM push_devices WHERE device_id = ?", (device_id,)
        )
        return _device(row) if row else None

    def for_user(self, user_id: str) -> Sequence[Device]:
        rows = self._db.query(
            f"SELECT {_COLUMNS} FROM push_devices WHERE user_id = ? ORDER BY device_id",
            (user_id,),
        )
        return [_device(row) for row in rows]

    def remove(self, user_id: str, device_id: int) -> bool:
        cursor = self._db.execute(
            "DELETE FROM push_devices WHERE device_id = ? AND user_id = ?", (device_id, user_id)
        )
        return cursor.rowcount == 1

    def forget(self, device_id: int) -> None:
        self._db.execute("DELETE FROM push_devices WHERE device_id = ?", (device_id,))


class SqliteNotificationSettingsStore:
    """The :class:`~instagram_core.ports.NotificationSettingsStore` of the embedded profile:
    one row per switched kind, so concurrent changes of different kinds never collide."""

    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db
        db.apply_schema(SCHEMA)

    def get(self, user_id: str) -> NotificationSettings:
        rows = self._db.query(
            "SELECT kind, push FROM notification_settings WHERE user_id = ?", (user_id,)
        )
        return settings_from_rows(rows)

    def set_push(
        self, user_id: str, changes: Mapping[NotificationKind, bool]
    ) -> NotificationSettings:
        with self._db.transaction() as conn:
            for kind, on in changes.items():
                conn.execute(
                    "INSERT INTO notification_settings (user_id, kind, push) VALUES (?, ?, ?) "
                    "ON CONFLICT (user_id, kind) DO UPDATE SET push = excluded.push",
                    (user_id, kind.value, int(on)),
                )
        return self.get(user_id)

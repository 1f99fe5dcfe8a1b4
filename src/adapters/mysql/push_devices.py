"""Push devices and notification settings in MySQL (migration ``0004_push_devices_and_settings``).

An address is unique per platform through the SHA-256 of it (URLs and FCM tokens can
outgrow an index key), so registering a token again replaces its row in one upsert.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from instagram_adapters.mysql.codecs import from_utc_naive, to_utc_naive
from instagram_adapters.mysql.connect import Cursor
from instagram_adapters.mysql.pool import MySqlPool
from instagram_adapters.rows.devices import DEVICE_COLUMNS, device_from_row, settings_from_rows
from instagram_core.domain.notifications import (
    Device,
    NotificationKind,
    NotificationSettings,
)

_COLUMNS = DEVICE_COLUMNS


def _hash(address: str) -> bytes:
    return hashlib.sha256(address.encode()).digest()


def _device(row: dict[str, Any]) -> Device:
    return device_from_row(row, from_utc_naive(row["created_at"]))


class MySqlDeviceStore:
    """A :class:`~instagram_core.ports.DeviceStore` beside the accounts."""

    def __init__(self, pool: MySqlPool) -> None:
        self._pool = pool

    def register(self, device: Device) -> Device:
        """One upsert on the address's unique key: concurrent registrations of one token
        leave exactly one row, the last one's."""
        self._pool.execute(
            "INSERT INTO push_devices (device_id, user_id, platform, address, address_hash,"
            " secret, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s)"
            " ON DUPLICATE KEY UPDATE device_id = VALUES(device_id), user_id = VALUES(user_id),"
            " address = VALUES(address), secret = VALUES(secret),"
            " created_at = VALUES(created_at)",
            (
                device.device_id,
                device.user_id,
                device.platform.value,
                device.address,
                _hash(device.address),
                device.secret,
                to_utc_naive(device.created_at),
            ),
        )
        return device

    def get(self, device_id: int) -> Device | None:
        rows = self._pool.query(
            f"SELECT {_COLUMNS} FROM push_devices WHERE device_id = %s", (device_id,)
        )
        return _device(rows[0]) if rows else None

    def for_user(self, user_id: str) -> Sequence[Device]:
        rows = self._pool.query(
            f"SELECT {_COLUMNS} FROM push_devices WHERE user_id = %s ORDER BY device_id",
            (user_id,),
        )
        return [_device(row) for row in rows]

    def remove(self, user_id: str, device_id: int) -> bool:
        removed = self._pool.execute(
            "DELETE FROM push_devices WHERE device_id = %s AND user_id = %s",
            (device_id, user_id),
        )
        return removed == 1

    def forget(self, device_id: int) -> None:
        self._pool.execute("DELETE FROM push_devices WHERE device_id = %s", (device_id,))


class MySqlNotificationSettingsStore:
    """A :class:`~instagram_core.ports.NotificationSettingsStore`: one row per switched kind,
    so concurrent changes of different kinds never overwrite each other."""

    def __init__(self, pool: MySqlPool) -> None:
        self._pool = pool

    def get(self, user_id: str) -> NotificationSettings:
        rows = self._pool.query(
            "SELECT kind, push FROM notification_settings WHERE user_id = %s", (user_id,)
        )
        return settings_from_rows(rows)

    def set_push(
        self, user_id: str, changes: Mapping[NotificationKind, bool]
    ) -> NotificationSettings:
        def work(cur: Cursor) -> None:
            for kind, on in sorted(changes.items()):
                cur.execute(
                    "INSERT INTO notification_settings (user_id, kind, push) VALUES (%s, %s, %s)"
                    " ON DUPLICATE KEY UPDATE push = VALUES(push)",
                    (user_id, kind.value, on),
                )

        if changes:
            self._pool.run_in_transaction(work)
        return self.get(user_id)

"""What the SQL push-device and notification-settings stores (MariaDB, SQLite) share: the
row-to-record mapping, so both read a device and a settings row the same way."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from instagram_core.domain.notifications import (
    Device,
    NotificationKind,
    NotificationSettings,
    Platform,
)


class Row(Protocol):
    """A row read by column name: a ``sqlite3.Row`` or a PyMySQL dict."""

    def __getitem__(self, column: str, /) -> Any: ...


DEVICE_COLUMNS = "device_id, user_id, platform, address, secret, created_at"


def device_from_row(row: Row, created_at: datetime) -> Device:
    """A device from a row of :data:`DEVICE_COLUMNS`; each engine decodes its own time."""
    return Device(
        device_id=int(row["device_id"]),
        user_id=row["user_id"],
        platform=Platform(row["platform"]),
        address=row["address"],
        created_at=created_at,
        secret=row["secret"],
    )


def settings_from_rows(rows: Iterable[Row]) -> NotificationSettings:
    """Settings from ``(kind, push)`` rows; kinds this release does not know are ignored."""
    known = {str(k) for k in NotificationKind}
    off = {NotificationKind(r["kind"]) for r in rows if not r["push"] and r["kind"] in known}
    return NotificationSettings(frozenset(off))

"""Wire schemas of notification read state, settings and push devices (msgspec)."""

from __future__ import annotations

from datetime import datetime

import msgspec


class ReadMarkIn(msgspec.Struct, forbid_unknown_fields=True):
    up_to: str | None = None


class UnreadCountOut(msgspec.Struct):
    count: int


class NotificationSettingsOut(msgspec.Struct):
    push: dict[str, bool]


class NotificationSettingsPatch(msgspec.Struct, forbid_unknown_fields=True):
    push: dict[str, bool]


class DeviceIn(msgspec.Struct, forbid_unknown_fields=True):
    platform: str
    token: str | None = None
    url: str | None = None


class DeviceCreated(msgspec.Struct):
    """``signing_secret`` keys a webhook's signatures; it is shown here only, once."""

    device_id: str
    platform: str
    created_at: datetime
    signing_secret: str | None = None


class DeviceOut(msgspec.Struct):
    device_id: str
    platform: str
    created_at: datetime


class DeviceList(msgspec.Struct):
    items: list[DeviceOut]

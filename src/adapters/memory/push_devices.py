"""Push devices and notification settings held in process memory."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence

from instagram_core.domain.notifications import Device, NotificationKind, NotificationSettings


class InMemoryDeviceStore:
    """The :class:`~instagram_core.ports.DeviceStore` of tests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._devices: dict[int, Device] = {}

    def register(self, device: Device) -> Device:
        with self._lock:
            for known in list(self._devices.values()):
                if known.platform == device.platform and known.address == device.address:
                    del self._devices[known.device_id]
            self._devices[device.device_id] = device
            return device

    def get(self, device_id: int) -> Device | None:
        with self._lock:
            return self._devices.get(device_id)

    def for_user(self, user_id: str) -> Sequence[Device]:
        with self._lock:
            mine = [d for d in self._devices.values() if d.user_id == user_id]
        return sorted(mine, key=lambda d: d.device_id)

    def remove(self, user_id: str, device_id: int) -> bool:
        with self._lock:
            device = self._devices.get(device_id)
            if device is None or device.user_id != user_id:
                return False
            del self._devices[device_id]
            return True

    def forget(self, device_id: int) -> None:
        with self._lock:
            self._devices.pop(device_id, None)


class InMemoryNotificationSettingsStore:
    """The :class:`~instagram_core.ports.NotificationSettingsStore` of tests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._settings: dict[str, NotificationSettings] = {}

    def get(self, user_id: str) -> NotificationSettings:
        with self._lock:
            return self._settings.get(user_id, NotificationSettings())

    def set_push(
        self, user_id: str, changes: Mapping[NotificationKind, bool]
    ) -> NotificationSettings:
        with self._lock:
            changed = self._settings.get(user_id, NotificationSettings()).changed(changes)
            self._settings[user_id] = changed
            return changed

"""Notification read state and settings, and the devices pushes go to.

The Activity list itself is ``GET /notifications`` (controllers/activity.py)."""

from __future__ import annotations

from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from instagram_core.domain.notifications import Device, NotificationSettings
from instagram_core.domain.users import User
from instagram_core.services.notifications import NotificationService
from instagram_core.services.push_devices import PushDevices
from instagram_entrypoints.http import notification_schemas as s
from instagram_entrypoints.http.request_guard import SMALL_JSON_BODY_LIMIT


def _settings(settings: NotificationSettings) -> s.NotificationSettingsOut:
    return s.NotificationSettingsOut(settings.as_mapping())


def _device(device: Device) -> s.DeviceOut:
    return s.DeviceOut(str(device.device_id), str(device.platform), device.created_at)


class NotificationStateController(Controller):
    path = "/notifications"
    tags = ["notifications"]

    @get("/unread-count", sync_to_thread=True)
    def unread_count(
        self, viewer: NamedDependency[User], notifications: NamedDependency[NotificationService]
    ) -> s.UnreadCountOut:
        """Notifications the list shows unread (the count stops at 100)."""
        return s.UnreadCountOut(notifications.unread_count(viewer.user_id))

    @post(
        "/read",
        status_code=HTTP_204_NO_CONTENT,
        sync_to_thread=True,
        request_max_body_size=SMALL_JSON_BODY_LIMIT,
    )
    def mark_read(
        self,
        viewer: NamedDependency[User],
        notifications: NamedDependency[NotificationService],
        data: JSONBody[s.ReadMarkIn | None] = None,
    ) -> None:
        """Mark read everything up to ``up_to`` (a ``notification_id``), or everything."""
        notifications.mark_read(viewer.user_id, data.up_to if data else None)


class NotificationSettingsController(Controller):
    path = "/users/me/notification-settings"
    tags = ["notifications"]

    @get("/", sync_to_thread=True)
    def read(
        self, viewer: NamedDependency[User], notifications: NamedDependency[NotificationService]
    ) -> s.NotificationSettingsOut:
        return _settings(notifications.settings(viewer.user_id))

    @patch("/", sync_to_thread=True, request_max_body_size=SMALL_JSON_BODY_LIMIT)
    def change(
        self,
        data: JSONBody[s.NotificationSettingsPatch],
        viewer: NamedDependency[User],
        notifications: NamedDependency[NotificationService],
    ) -> s.NotificationSettingsOut:
        """Push on (``true``) or off per kind; kinds left out keep their setting. A kind
        switched off still shows in the Activity list."""
        return _settings(notifications.change_settings(viewer.user_id, data.push))


class DevicesController(Controller):
    path = "/devices"
    tags = ["notifications"]

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        sync_to_thread=True,
        request_max_body_size=SMALL_JSON_BODY_LIMIT,
    )
    def register(
        self,
        data: JSONBody[s.DeviceIn],
        viewer: NamedDependency[User],
        push_devices: NamedDependency[PushDevices],
    ) -> s.DeviceCreated:
        """``webhook`` takes a ``url``; ``fcm`` and ``apns`` a ``token``. A webhook's
        ``signing_secret`` is in this answer only."""
        device = push_devices.register(viewer.user_id, data.platform, data.token, data.url)
        return s.DeviceCreated(
            str(device.device_id), str(device.platform), device.created_at, device.secret
        )

    @get("/", sync_to_thread=True)
    def list_devices(
        self, viewer: NamedDependency[User], push_devices: NamedDependency[PushDevices]
    ) -> s.DeviceList:
        return s.DeviceList([_device(d) for d in push_devices.list(viewer.user_id)])

    @delete("/{device_id:str}", status_code=HTTP_204_NO_CONTENT, sync_to_thread=True)
    def remove(
        self,
        device_id: FromPath[str],
        viewer: NamedDependency[User],
        push_devices: NamedDependency[PushDevices],
    ) -> None:
        push_devices.remove(viewer.user_id, device_id)

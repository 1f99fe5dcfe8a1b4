from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Protocol

from instagram_core.domain.notifications import (
    Device,
    Notification,
    NotificationKind,
    NotificationSettings,
)


class NotificationStore(Protocol):
    """The Activity tab: notifications partitioned by recipient, newest first, with each
    group's set of distinct actors and the recipient's read mark."""

    def add(self, notification: Notification) -> None:
        """Store a notification. Raises ``Conflict`` if the recipient has one with this id."""
        ...

    def latest_in_group(self, recipient_id: str, group_key: str) -> Notification | None:
        """The newest notification of the recipient with ``group_key``, or ``None``."""
        ...

    def replace(self, old_id: int, notification: Notification) -> None:
        """Atomically remove ``old_id`` from ``notification.recipient_id``'s notifications (if
        still there) and add ``notification``: how a collapsed group moves to the top of the
        tab. Raises ``Conflict``, changing nothing, if the new id exists and is not ``old_id``."""
        ...

    def advance_group(
        self, expected_id: int | None, notification: Notification, replace_expected: bool
    ) -> bool:
        """Make ``notification`` the newest of its group (its recipient and ``group_key``)
        if the group's newest is still ``expected_id`` (``None``: the group has none), also
        removing ``expected_id`` when ``replace_expected``; ``False``, changing nothing,
        if another write advanced the group first. Of concurrent advances from one
        ``expected_id`` exactly one succeeds: how collapsing stays exact under races."""
        ...

    def list(self, recipient_id: str, before: int | None, limit: int) -> Sequence[Notification]:
        """Up to ``limit`` notifications with ids below ``before``, newest first."""
        ...

    def newer_than(self, recipient_id: str, after: int, limit: int) -> Sequence[Notification]:
        """Up to ``limit`` notifications with ids above ``after``, newest first."""
        ...

    def add_actor(self, recipient_id: str, group_id: int, actor_id: str) -> bool:
        """Record ``actor_id`` in the group's actor set: ``True`` if it was not there yet,
        ``False`` (changing nothing) if it was. Exactly one of concurrent adds of one actor
        gets ``True``: the handlers' guard against counting a redelivered event twice."""
        ...

    def actors_among(
        self, recipient_id: str, group_id: int, candidates: Collection[str]
    ) -> set[str]:
        """Which of ``candidates`` are in the group's actor set."""
        ...

    def mark_read(self, recipient_id: str, up_to: int) -> None:
        """Raise the recipient's read mark to ``up_to``; a lower ``up_to`` than the mark
        changes nothing (the mark never goes down, whatever order marks arrive in)."""
        ...

    def read_up_to(self, recipient_id: str) -> int:
        """The read mark: notifications with ids at or below it are read (0 before any)."""
        ...


class DeviceStore(Protocol):
    """Registered push devices, by user."""

    def register(self, device: Device) -> Device:
        """Store ``device`` and return it. An address (token or URL) lives on one device of
        one platform: registering it again replaces the earlier device, whoever owned it
        (a phone that changes accounts moves its token to the new account)."""
        ...

    def get(self, device_id: int) -> Device | None:
        """The device, or ``None`` if it was never registered or was removed."""
        ...

    def for_user(self, user_id: str) -> Sequence[Device]:
        """The user's devices, oldest first."""
        ...

    def remove(self, user_id: str, device_id: int) -> bool:
        """Remove the user's device: ``False`` if the user has no device with that id
        (another user's device is never removed)."""
        ...

    def forget(self, device_id: int) -> None:
        """Remove the device whoever owns it (its service said it is gone); no-op if absent."""
        ...


class NotificationSettingsStore(Protocol):
    """Push on or off per kind, per user."""

    def get(self, user_id: str) -> NotificationSettings:
        """The user's settings; every kind on for a user who never changed one."""
        ...

    def set_push(
        self, user_id: str, changes: Mapping[NotificationKind, bool]
    ) -> NotificationSettings:
        """Switch the given kinds on or off, leaving the others as they are, and return the
        settings after the change. Concurrent changes of different kinds both hold."""
        ...

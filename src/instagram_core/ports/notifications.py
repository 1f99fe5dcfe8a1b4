from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from instagram_core.domain.notifications import Notification


class NotificationStore(Protocol):
    """The Activity tab: notifications partitioned by recipient, newest first."""

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

    def list(self, recipient_id: str, before: int | None, limit: int) -> Sequence[Notification]:
        """Up to ``limit`` notifications with ids below ``before``, newest first."""
        ...

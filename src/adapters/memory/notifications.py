"""The Activity tab held in process memory, partitioned by recipient, newest first."""

from __future__ import annotations

import bisect
import threading
from collections.abc import Collection, Sequence

from instagram_adapters.memory.sorted_lists import discard_sorted
from instagram_core.domain.errors import Conflict
from instagram_core.domain.notifications import Notification


class _Inbox:
    """One recipient's partition: notifications by id, with sorted id lists overall and per
    group, so paging and "newest of a group" are binary searches rather than scans."""

    def __init__(self) -> None:
        self.by_id: dict[int, Notification] = {}
        self.ids: list[int] = []
        self.groups: dict[str, list[int]] = {}

    def put(self, notification: Notification) -> None:
        self.by_id[notification.notification_id] = notification
        bisect.insort(self.ids, notification.notification_id)
        bisect.insort(
            self.groups.setdefault(notification.group_key, []), notification.notification_id
        )

    def remove(self, notification_id: int) -> None:
        notification = self.by_id.pop(notification_id, None)
        if notification is None:
            return
        discard_sorted(self.ids, notification_id)
        group = self.groups[notification.group_key]
        discard_sorted(group, notification_id)
        if not group:
            del self.groups[notification.group_key]


class InMemoryNotificationStore:
    """The :class:`~instagram_core.ports.NotificationStore` of tests and the embedded profile.

    A notification is keyed by ``(recipient_id, notification_id)``, as in Cassandra."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._inboxes: dict[str, _Inbox] = {}
        self._actors: dict[tuple[str, int], set[str]] = {}
        self._marks: dict[str, int] = {}

    def add(self, notification: Notification) -> None:
        with self._lock:
            inbox = self._inboxes.setdefault(notification.recipient_id, _Inbox())
            if notification.notification_id in inbox.by_id:
                raise Conflict(f"notification {notification.notification_id} exists")
            inbox.put(notification)

    def latest_in_group(self, recipient_id: str, group_key: str) -> Notification | None:
        with self._lock:
            inbox = self._inboxes.get(recipient_id)
            if inbox is None or not (group := inbox.groups.get(group_key)):
                return None
            return inbox.by_id[group[-1]]

    def replace(self, old_id: int, notification: Notification) -> None:
        """Removes ``old_id`` from ``notification``'s recipient; raises ``Conflict`` (changing
        nothing) if the new id exists and is not ``old_id``."""
        with self._lock:
            inbox = self._inboxes.setdefault(notification.recipient_id, _Inbox())
            new_id = notification.notification_id
            if new_id != old_id and new_id in inbox.by_id:
                raise Conflict(f"notification {new_id} exists")
            inbox.remove(old_id)
            inbox.put(notification)

    def advance_group(
        self, expected_id: int | None, notification: Notification, replace_expected: bool
    ) -> bool:
        with self._lock:
            latest = self.latest_in_group(notification.recipient_id, notification.group_key)
            if (latest.notification_id if latest else None) != expected_id:
                return False
            if replace_expected and expected_id is not None:
                self.replace(expected_id, notification)
            else:
                self.add(notification)
            return True

    def list(self, recipient_id: str, before: int | None, limit: int) -> Sequence[Notification]:
        with self._lock:
            inbox = self._inboxes.get(recipient_id)
            if inbox is None or limit <= 0:
                return []
            end = len(inbox.ids) if before is None else bisect.bisect_left(inbox.ids, before)
            newest = inbox.ids[max(0, end - limit) : end]
            return [inbox.by_id[i] for i in reversed(newest)]

    def newer_than(self, recipient_id: str, after: int, limit: int) -> Sequence[Notification]:
        with self._lock:
            inbox = self._inboxes.get(recipient_id)
            if inbox is None or limit <= 0:
                return []
            start = bisect.bisect_right(inbox.ids, after)
            newest = inbox.ids[max(start, len(inbox.ids) - limit) :]
            return [inbox.by_id[i] for i in reversed(newest)]

    def add_actor(self, recipient_id: str, group_id: int, actor_id: str) -> bool:
        with self._lock:
            actors = self._actors.setdefault((recipient_id, group_id), set())
            if actor_id in actors:
                return False
            actors.add(actor_id)
            return True

    def actors_among(
        self, recipient_id: str, group_id: int, candidates: Collection[str]
    ) -> set[str]:
        with self._lock:
            return self._actors.get((recipient_id, group_id), set()) & set(candidates)

    def mark_read(self, recipient_id: str, up_to: int) -> None:
        with self._lock:
            self._marks[recipient_id] = max(self._marks.get(recipient_id, 0), up_to)

    def read_up_to(self, recipient_id: str) -> int:
        with self._lock:
            return self._marks.get(recipient_id, 0)

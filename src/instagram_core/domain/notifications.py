"""In-app notifications (the Activity tab), collapsed per post and kind, and the push
devices and per-kind settings that decide which of them also reach a phone or a webhook."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime

import attrs


class NotificationKind(enum.StrEnum):
    LIKE = "like"
    COMMENT = "comment"
    FOLLOW = "follow"
    FOLLOW_REQUEST = "follow_request"
    FOLLOW_ACCEPTED = "follow_accepted"
    MENTION = "mention"
    TAG = "tag"


@attrs.frozen
class Notification:
    """``actor_ids`` holds the newest actors first (a few more than are shown, so that some
    remain when blocked ones are hidden); ``actor_count`` the number of distinct actors of
    the group, so "alice and 42 others liked your photo" is one notification, not 43.

    ``group_id`` names one run of a group (the id of its first notification): it survives
    the collapse that gives the notification a new id, and keys the group's actor set.

    ``actor_times`` holds when each kept actor acted, parallel to ``actor_ids``: the order
    of the actors, whatever order the bus handled their actions in. ``created_at`` is the
    newest of them. Empty on rows written before it was kept (see
    :func:`~instagram_core.policies.notification_batching.acted_at`)."""

    notification_id: int
    recipient_id: str
    kind: NotificationKind
    group_key: str
    actor_ids: tuple[str, ...]
    actor_count: int
    created_at: datetime
    post_id: int | None = None
    comment_id: int | None = None
    group_id: int = attrs.field()

    actor_times: tuple[datetime, ...] = ()

    @group_id.default
    def _first_of_its_group(self) -> int:
        return self.notification_id


class Platform(enum.StrEnum):
    WEBHOOK = "webhook"
    FCM = "fcm"
    APNS = "apns"


@attrs.frozen
class Device:
    """Where a user's pushes go: a webhook ``address`` (URL) signed with ``secret``, or an
    FCM registration token or APNs device token as ``address``."""

    device_id: int
    user_id: str
    platform: Platform
    address: str
    created_at: datetime
    secret: str | None = None


@attrs.frozen
class NotificationSettings:
    """Push on or off per kind; every kind is on until switched off. Switched-off kinds
    still appear in the Activity tab: the settings govern pushes only."""

    push_off: frozenset[NotificationKind] = frozenset()

    def pushes(self, kind: NotificationKind) -> bool:
        return kind not in self.push_off

    def as_mapping(self) -> dict[str, bool]:
        return {str(kind): kind not in self.push_off for kind in NotificationKind}

    def changed(self, push: Mapping[NotificationKind, bool]) -> NotificationSettings:
        off = {k for k in self.push_off if push.get(k, False) is False}
        off |= {k for k, on in push.items() if not on}
        return NotificationSettings(frozenset(off))

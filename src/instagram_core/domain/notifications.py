"""In-app notifications (the Activity tab), collapsed per post and kind."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs


class NotificationKind(enum.StrEnum):
    LIKE = "like"
    COMMENT = "comment"
    FOLLOW = "follow"
    FOLLOW_REQUEST = "follow_request"
    MENTION = "mention"
    TAG = "tag"


@attrs.frozen
class Notification:
    """``actor_ids`` holds the newest actors first (at most a few); ``actor_count`` all of them,
    so "alice and 42 others liked your photo" is one notification, not 43."""

    notification_id: int
    recipient_id: str
    kind: NotificationKind
    group_key: str
    actor_ids: tuple[str, ...]
    actor_count: int
    created_at: datetime
    post_id: int | None = None
    comment_id: int | None = None

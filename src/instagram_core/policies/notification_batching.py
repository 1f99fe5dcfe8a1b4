"""How notifications collapse: many likes on one post become one entry
("alice and 42 others liked your photo"), moved to the top as new actors arrive."""

from __future__ import annotations

from datetime import datetime, timedelta

from instagram_core.domain.notifications import Notification, NotificationKind

COLLAPSE_WINDOW = timedelta(hours=24)
PUSH_VERBS = {
    NotificationKind.LIKE: "liked your post",
    NotificationKind.COMMENT: "commented on your post",
    NotificationKind.FOLLOW: "started following you",
    NotificationKind.FOLLOW_REQUEST: "asked to follow you",
    NotificationKind.MENTION: "mentioned you",
    NotificationKind.TAG: "tagged you in a post",
}
ACTORS_SHOWN = 3
_COLLAPSIBLE = frozenset({NotificationKind.LIKE, NotificationKind.COMMENT, NotificationKind.FOLLOW})


def summary_text(lead: str | None, actor_count: int, kind: NotificationKind) -> str:
    """ "alice and 42 others liked your post": the lead actor (``someone`` if gone), how many
    others, and the kind's verb."""
    who = lead or "someone"
    others = actor_count - 1
    if others > 0:
        who = f"{who} and {others} other{'s' if others > 1 else ''}"
    return f"{who} {PUSH_VERBS[kind]}"


def group_key(kind: NotificationKind, post_id: int | None, unique: int) -> str:
    """Collapsible kinds group per post (follows per recipient); others never group."""
    if kind not in _COLLAPSIBLE:
        return f"{kind}:{unique}"
    return f"{kind}:{post_id}" if post_id is not None else str(kind)


def collapse(
    latest: Notification | None, fresh: Notification, now: datetime
) -> Notification | None:
    """The notification that should replace ``latest``, or ``None`` to add ``fresh`` as is.

    An actor already counted in the group is not counted twice (unlike then like again)."""
    if latest is None or fresh.kind not in _COLLAPSIBLE:
        return None
    if now - latest.created_at > COLLAPSE_WINDOW:
        return None
    actor = fresh.actor_ids[0]
    known = actor in latest.actor_ids
    others = tuple(a for a in latest.actor_ids if a != actor)
    return Notification(
        notification_id=fresh.notification_id,
        recipient_id=fresh.recipient_id,
        kind=fresh.kind,
        group_key=fresh.group_key,
        actor_ids=(actor, *others)[:ACTORS_SHOWN],
        actor_count=latest.actor_count if known else latest.actor_count + 1,
        created_at=fresh.created_at,
        post_id=fresh.post_id,
        comment_id=fresh.comment_id,
    )

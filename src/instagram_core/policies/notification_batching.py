"""How notifications collapse: many likes on one post become one entry
("alice and 42 others liked your photo"), moved to the top as new actors arrive, and
which push text a notification gets."""

from __future__ import annotations

from datetime import datetime, timedelta

from instagram_core.domain.notifications import Notification, NotificationKind

COLLAPSE_WINDOW = timedelta(hours=24)
PUSH_VERBS = {
    NotificationKind.LIKE: "liked your post",
    NotificationKind.COMMENT: "commented on your post",
    NotificationKind.FOLLOW: "started following you",
    NotificationKind.FOLLOW_REQUEST: "asked to follow you",
    NotificationKind.FOLLOW_ACCEPTED: "accepted your follow request",
    NotificationKind.MENTION: "mentioned you",
    NotificationKind.TAG: "tagged you in a post",
}
ACTORS_SHOWN = 3
# Kept on the row beyond the three shown, so that hiding a few blocked actors still leaves
# three to show without reading the group's whole actor set.
ACTORS_KEPT = 10
COLLAPSIBLE = frozenset({NotificationKind.LIKE, NotificationKind.COMMENT, NotificationKind.FOLLOW})


def summary_text(lead: str | None, actor_count: int, kind: NotificationKind) -> str:
    """ "alice and 42 others liked your post": the lead actor (``someone`` if gone), how many
    others, and the kind's verb."""
    who = lead or "someone"
    others = actor_count - 1
    if others > 0:
        who = f"{who} and {others} other{'s' if others > 1 else ''}"
    return f"{who} {PUSH_VERBS[kind]}"


def same_run(latest: Notification | None, kind: NotificationKind, now: datetime) -> bool:
    """Whether a new action joins ``latest``'s group run rather than starting a new one.

    A collapsible group stays open for :data:`COLLAPSE_WINDOW` after its newest action; a
    kind that never collapses has one notification per key (its key names the event), so a
    second arrival of the same key is the same event again."""
    if latest is None:
        return False
    return kind not in COLLAPSIBLE or now - latest.created_at <= COLLAPSE_WINDOW


def moved_to_top(
    latest: Notification,
    notification_id: int,
    actor_id: str,
    new_actor: bool,
    now: datetime,
    comment_id: int | None = None,
) -> Notification:
    """``latest`` after a new action by ``actor_id``: a new id (so it sorts first), the actor
    first among the kept ones, and one more in the count only if the actor is new."""
    others = tuple(a for a in latest.actor_ids if a != actor_id)
    return Notification(
        notification_id=notification_id,
        recipient_id=latest.recipient_id,
        kind=latest.kind,
        group_key=latest.group_key,
        actor_ids=(actor_id, *others)[:ACTORS_KEPT],
        actor_count=latest.actor_count + (1 if new_actor else 0),
        created_at=now,
        post_id=latest.post_id,
        comment_id=comment_id if comment_id is not None else latest.comment_id,
        group_id=latest.group_id,
    )

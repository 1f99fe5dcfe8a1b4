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
    """Whether a new action (at ``now``) joins ``latest``'s group run rather than starting a
    new one.

    A collapsible group stays open for :data:`COLLAPSE_WINDOW` after its newest action; a
    kind that never collapses has one notification per key (its key names the event), so a
    second arrival of the same key is the same event again."""
    if latest is None:
        return False
    return kind not in COLLAPSIBLE or now - latest.created_at <= COLLAPSE_WINDOW


def acted_at(notification: Notification) -> tuple[datetime, ...]:
    """When each kept actor acted. A row written before the times were kept lists its actors
    newest first already: they all read as its ``created_at``, keeping that order."""
    if len(notification.actor_times) == len(notification.actor_ids):
        return notification.actor_times
    return (notification.created_at,) * len(notification.actor_ids)


def is_newest(latest: Notification, at: datetime) -> bool:
    """Whether an action at ``at`` is the newest of ``latest``'s group, so that it moves the
    group to the top; an older one, handled late, joins the group where it stands."""
    return at >= latest.created_at


def moved_to_top(
    latest: Notification,
    notification_id: int,
    actor_id: str,
    new_actor: bool,
    at: datetime,
    comment_id: int | None = None,
) -> Notification:
    """``latest`` after an action by ``actor_id`` at ``at``: the kept actors ordered newest
    first by when they acted (an action handled late lands in its place, not first; equal
    times keep the later-handled first), and one more in the count only if the actor is new.

    ``notification_id`` is a new id when the action is the group's newest (see
    :func:`is_newest`), so it sorts first; otherwise the group's own id, so it stays put."""
    earlier = [(a, t) for a, t in zip(latest.actor_ids, acted_at(latest), strict=True)]
    own = max((t for a, t in earlier if a == actor_id), default=at)
    kept = [(actor_id, max(at, own)), *((a, t) for a, t in earlier if a != actor_id)]
    kept.sort(key=lambda pair: pair[1], reverse=True)  # stable: ties keep the order above
    kept = kept[:ACTORS_KEPT]
    newest = is_newest(latest, at)
    return Notification(
        notification_id=notification_id,
        recipient_id=latest.recipient_id,
        kind=latest.kind,
        group_key=latest.group_key,
        actor_ids=tuple(a for a, _ in kept),
        actor_count=latest.actor_count + (1 if new_actor else 0),
        created_at=max(latest.created_at, at),
        post_id=latest.post_id,
        comment_id=comment_id if comment_id is not None and newest else latest.comment_id,
        group_id=latest.group_id,
        actor_times=tuple(t for _, t in kept),
    )

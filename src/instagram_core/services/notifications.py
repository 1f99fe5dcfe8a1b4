"""The Activity tab: notifications written by event handlers, collapsed, and listed."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from instagram_core.domain.events import (
    CommentAdded,
    FollowApproved,
    FollowCreated,
    PostLiked,
    PostPublished,
    StoryMentioned,
)
from instagram_core.domain.ids import parse_cursor_id
from instagram_core.domain.notifications import Notification, NotificationKind
from instagram_core.domain.pagination import Page, check_limit, page_from_overfetch
from instagram_core.domain.users import User
from instagram_core.policies.notification_batching import collapse, group_key, summary_text
from instagram_core.policies.rate_limits import PUSHES_PER_POST, hit
from instagram_core.policies.visibility import AudienceGate
from instagram_core.ports.clock import Clock
from instagram_core.ports.ids import IdGenerator
from instagram_core.ports.notifications import NotificationStore
from instagram_core.ports.posts import PostStore
from instagram_core.ports.push import PushGateway, PushMessage
from instagram_core.ports.rate_limit import RateLimiter
from instagram_core.ports.users import UserStore


@attrs.frozen
class NotificationView:
    notification: Notification
    actors: tuple[User, ...]


class NotificationService:
    def __init__(
        self,
        notifications: NotificationStore,
        users: UserStore,
        posts: PostStore,
        ids: IdGenerator,
        clock: Clock,
        limiter: RateLimiter,
        gateway: PushGateway,
        gate: AudienceGate,
    ) -> None:
        self._gate = gate
        self._limiter = limiter
        self._gateway = gateway
        self._store = notifications
        self._users = users
        self._posts = posts
        self._ids = ids
        self._clock = clock

    def on_post_liked(self, event: PostLiked) -> None:
        self._notify(event.author_id, NotificationKind.LIKE, event.user_id, post_id=event.post_id)

    def on_comment_added(self, event: CommentAdded) -> None:
        self._notify(
            event.post_author_id,
            NotificationKind.COMMENT,
            event.commenter_id,
            post_id=event.post_id,
            comment_id=event.comment_id,
        )
        for user in self._named(event.mentions):
            self._notify(
                user.user_id,
                NotificationKind.MENTION,
                event.commenter_id,
                post_id=event.post_id,
                comment_id=event.comment_id,
            )

    def on_follow_created(self, event: FollowCreated) -> None:
        kind = NotificationKind.FOLLOW_REQUEST if event.pending else NotificationKind.FOLLOW
        self._notify(event.followee_id, kind, event.follower_id)

    def on_follow_approved(self, event: FollowApproved) -> None:
        self._notify(event.followee_id, NotificationKind.FOLLOW, event.follower_id)

    def on_post_published(self, event: PostPublished) -> None:
        """Mentions in the caption and tagged users hear of the post once it is visible."""
        post = self._posts.get(event.post_id)
        if post is None:
            return
        for user in self._named(post.mentions):
            self._notify(
                user.user_id, NotificationKind.MENTION, post.author_id, post_id=post.post_id
            )
        for user_id in post.tagged_user_ids:
            self._notify(user_id, NotificationKind.TAG, post.author_id, post_id=post.post_id)

    def on_story_mentioned(self, event: StoryMentioned) -> None:
        """A live story's mention stickers: each named account hears of it once."""
        for user_id in dict.fromkeys(event.user_ids):
            self._notify(user_id, NotificationKind.MENTION, event.author_id)

    def activity(self, user_id: str, cursor: str | None, limit: int) -> Page[NotificationView]:
        """The reader's notifications, newest first, without the accounts blocked with the
        reader: a notification only they acted in is left out (the page may come out short)."""
        before = parse_cursor_id(cursor) if cursor else None
        limit = check_limit(limit)
        found = self._store.list(user_id, before, limit + 1)
        page = page_from_overfetch(found, limit, lambda n: str(n.notification_id))
        hidden = self._gate.blocked_ids(user_id)
        shown = [n for n in page.items if not n.actor_ids or set(n.actor_ids) - hidden]
        actors = self._users.get_many({a for n in shown for a in n.actor_ids if a not in hidden})
        views = [
            NotificationView(n, tuple(actors[a] for a in n.actor_ids if a in actors)) for n in shown
        ]
        return Page(items=views, next_cursor=page.next_cursor)

    def _named(self, usernames: Iterable[str]) -> list[User]:
        return [u for name in usernames if (u := self._users.by_username(name)) is not None]

    def _notify(
        self,
        recipient_id: str,
        kind: NotificationKind,
        actor_id: str,
        post_id: int | None = None,
        comment_id: int | None = None,
    ) -> None:
        if recipient_id == actor_id:
            return  # nobody is notified of their own actions
        if self._gate.blocked(recipient_id, actor_id):
            return  # a block made after the action: its events must not reach across it
        notification_id = self._ids.next_id()
        fresh = Notification(
            notification_id=notification_id,
            recipient_id=recipient_id,
            kind=kind,
            group_key=group_key(kind, post_id, notification_id),
            actor_ids=(actor_id,),
            actor_count=1,
            created_at=self._clock.now(),
            post_id=post_id,
            comment_id=comment_id,
        )
        latest = self._store.latest_in_group(recipient_id, fresh.group_key)
        merged = collapse(latest, fresh, self._clock.now())
        if merged is not None and latest is not None:
            self._store.replace(latest.notification_id, merged)
        else:
            self._store.add(fresh)
        self._push(merged or fresh)

    def _push(self, notification: Notification) -> None:
        """At most one push per recipient, post and kind in five minutes: the rest of a
        burst of likes shows in the (collapsed) Activity entry, not as more pushes."""
        subject = f"{notification.recipient_id}:{notification.post_id}:{notification.kind}"
        if not hit(self._limiter, PUSHES_PER_POST, subject).allowed:
            return
        actors = self._users.get_many(notification.actor_ids[:1])
        lead = actors[notification.actor_ids[0]].username if actors else None
        text = summary_text(lead, notification.actor_count, notification.kind)
        self._gateway.send(
            PushMessage(
                notification.recipient_id, str(notification.kind), text, notification.post_id
            )
        )

"""The Activity tab: notifications written by event handlers, collapsed, listed and read,
and the pushes they hand to the recipient's devices through the event bus."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime

import attrs

from instagram_core.domain.errors import InvalidInput, Unavailable
from instagram_core.domain.events import (
    CommentAdded,
    FollowApproved,
    FollowCreated,
    PostLiked,
    PostPublished,
    PushDelivery,
    StoryMentioned,
)
from instagram_core.domain.ids import parse_cursor_id, parse_id
from instagram_core.domain.notifications import (
    Notification,
    NotificationKind,
    NotificationSettings,
)
from instagram_core.domain.pagination import Page, check_limit
from instagram_core.domain.users import User
from instagram_core.policies.notification_batching import (
    ACTORS_SHOWN,
    COLLAPSIBLE,
    is_newest,
    moved_to_top,
    same_run,
    summary_text,
)
from instagram_core.policies.rate_limits import PUSHES_PER_POST, hit
from instagram_core.policies.visibility import AudienceGate
from instagram_core.ports.claims import ClaimStore
from instagram_core.ports.clock import Clock
from instagram_core.ports.events import EventBus
from instagram_core.ports.ids import IdGenerator
from instagram_core.ports.notifications import (
    DeviceStore,
    NotificationSettingsStore,
    NotificationStore,
)
from instagram_core.ports.posts import PostStore
from instagram_core.ports.push import DeviceGone, PushGateway, PushMessage, PushRejected
from instagram_core.ports.rate_limit import RateLimiter
from instagram_core.ports.users import UserStore

log = logging.getLogger("instagram.push")

# Tries at advancing a group that racing writers keep advancing first (then the bus retries).
ADVANCE_ATTEMPTS = 16
# The unread badge counts this far ("99+" in a client); the count is exact below it.
UNREAD_COUNT_LIMIT = 100
# How long a sent push stays claimed: far past any redelivery (a worker restart, a rebalance)
# yet bounded, so claims cost nothing for long. A failed send gives its claim back at once.
PUSH_CLAIM_SECONDS = 86_400


@attrs.frozen
class NotificationView:
    """A notification as its reader may see it: blocked actors taken out of ``actors`` and
    of ``actor_count``, and ``read`` from the reader's read mark."""

    notification: Notification
    actors: tuple[User, ...]
    actor_count: int
    read: bool

    @property
    def text(self) -> str:
        lead = self.actors[0].username if self.actors else None
        return summary_text(lead, self.actor_count, self.notification.kind)


@attrs.frozen
class NotificationStores:
    notifications: NotificationStore
    devices: DeviceStore
    settings: NotificationSettingsStore
    users: UserStore
    posts: PostStore
    claims: ClaimStore  # one send per push, whatever the bus redelivers


class NotificationService:
    """Handlers write notifications at least once and idempotently: every handler first
    records its event in the group's set (the actor, or the comment), and an event already
    recorded changes nothing. So a redelivered message, or an unlike and a like again,
    never counts an actor twice, and ``actor_count`` is the number of distinct actors."""

    def __init__(
        self,
        stores: NotificationStores,
        ids: IdGenerator,
        clock: Clock,
        limiter: RateLimiter,
        gateway: PushGateway,
        gate: AudienceGate,
        bus: EventBus,
    ) -> None:
        self._store = stores.notifications
        self._devices = stores.devices
        self._settings = stores.settings
        self._users = stores.users
        self._posts = stores.posts
        self._claims = stores.claims
        self._gate = gate
        self._limiter = limiter
        self._gateway = gateway
        self._ids = ids
        self._clock = clock
        self._bus = bus

    # -- handlers ---------------------------------------------------------------------------

    def on_post_liked(self, event: PostLiked) -> None:
        self._notify(
            event.author_id,
            NotificationKind.LIKE,
            event.user_id,
            f"like:{event.post_id}",
            post_id=event.post_id,
            at=event.occurred_at,
        )

    def on_comment_added(self, event: CommentAdded) -> None:
        self._notify(
            event.post_author_id,
            NotificationKind.COMMENT,
            event.commenter_id,
            f"comment:{event.post_id}",
            post_id=event.post_id,
            comment_id=event.comment_id,
            at=event.occurred_at,
        )
        for user in self._named(event.mentions):
            self.mention(
                user.user_id,
                event.commenter_id,
                f"comment:{event.comment_id}",
                post_id=event.post_id,
                comment_id=event.comment_id,
                at=event.occurred_at,
            )

    def on_follow_created(self, event: FollowCreated) -> None:
        if event.pending:
            self._notify(
                event.followee_id,
                NotificationKind.FOLLOW_REQUEST,
                event.follower_id,
                f"follow_request:{event.follower_id}",
                at=event.occurred_at,
            )
        else:
            self._notify(
                event.followee_id,
                NotificationKind.FOLLOW,
                event.follower_id,
                "follow",
                at=event.occurred_at,
            )

    def on_follow_approved(self, event: FollowApproved) -> None:
        """The account followed now, and the requester hears that it was accepted."""
        at = event.occurred_at
        self._notify(event.followee_id, NotificationKind.FOLLOW, event.follower_id, "follow", at=at)
        self._notify(
            event.follower_id,
            NotificationKind.FOLLOW_ACCEPTED,
            event.followee_id,
            f"follow_accepted:{event.followee_id}",
            at=at,
        )

    def on_post_published(self, event: PostPublished) -> None:
        """Mentions in the caption and tagged users hear of the post once it is visible."""
        post = self._posts.get(event.post_id)
        if post is None:
            return
        for user in self._named(post.mentions):
            self.mention(user.user_id, post.author_id, f"post:{post.post_id}", post.post_id)
        for user_id in post.tagged_user_ids:
            self._notify(
                user_id,
                NotificationKind.TAG,
                post.author_id,
                f"tag:{post.post_id}",
                post_id=post.post_id,
            )

    def mention(
        self,
        recipient_id: str,
        actor_id: str,
        source: str,
        post_id: int | None = None,
        comment_id: int | None = None,
        at: datetime | None = None,
    ) -> None:
        """Notify ``recipient_id`` that ``actor_id`` mentioned them in ``source`` (a stable
        name of where: ``post:<id>``, ``comment:<id>``, ``story:<id>``): once per source."""
        self._notify(
            recipient_id,
            NotificationKind.MENTION,
            actor_id,
            f"mention:{source}",
            post_id=post_id,
            comment_id=comment_id,
            at=at,
        )

    def deliver_push(self, command: PushDelivery) -> None:
        """Send one push to one device, once: the delivery is claimed before sending, so a
        redelivered command sends nothing more. A device gone for good is forgotten; a
        refused push is dropped with a log line; an unreachable service raises
        ``Unavailable`` after giving the claim back, and the bus retries this device alone,
        with backoff."""
        device = self._devices.get(command.device_id)
        if device is None or device.user_id != command.recipient_id:
            return  # removed, or moved to another account since: not theirs to see
        key = _delivery_key(command)
        if key is not None and not self._claims.claim(key, PUSH_CLAIM_SECONDS):
            return  # already sent (or being sent) by an earlier delivery of this command
        message = PushMessage(
            command.recipient_id,
            command.kind,
            command.text,
            command.post_id,
            command.notification_id,
        )
        try:
            self._gateway.send(device, message)
        except DeviceGone as gone:
            log.info("forgetting device %s: %s", device.device_id, gone.message)
            self._devices.forget(device.device_id)
        except PushRejected as rejected:
            log.warning("push to device %s dropped: %s", device.device_id, rejected.message)
        except Exception:
            if key is not None:  # not sent: the retry must be free to send
                self._claims.release(key)
            raise

    # -- reads ------------------------------------------------------------------------------

    def on_story_mentioned(self, event: StoryMentioned) -> None:
        """A live story's mention stickers: each named account hears of it once."""
        for user_id in dict.fromkeys(event.user_ids):
            self.mention(user_id, event.author_id, f"story:{event.story_id}")

    def activity(self, user_id: str, cursor: str | None, limit: int) -> Page[NotificationView]:
        """The reader's notifications, newest first, without the accounts blocked with the
        reader: a notification only they acted in is left out (the page may come out short),
        and the others count only the actors left."""
        before = parse_cursor_id(cursor) if cursor else None
        limit = check_limit(limit)
        found = list(self._store.list(user_id, before, limit + 1))
        more = len(found) > limit
        found = found[:limit]
        next_cursor = str(found[-1].notification_id) if more and found else None
        return Page(items=self._views(user_id, found), next_cursor=next_cursor)

    def unread_count(self, user_id: str) -> int:
        """How many notifications the reader's list shows unread (up to
        :data:`UNREAD_COUNT_LIMIT`)."""
        mark = self._store.read_up_to(user_id)
        unread = self._store.newer_than(user_id, mark, UNREAD_COUNT_LIMIT)
        return len(self._views(user_id, list(unread)))

    def mark_read(self, user_id: str, up_to: str | None = None) -> None:
        """Mark read every notification up to ``up_to`` (a notification id), or all of them.
        The mark only rises: marking an older id after a newer one changes nothing."""
        if up_to is None:
            newest = self._store.list(user_id, None, 1)
            if not newest:
                return
            mark = newest[0].notification_id
        else:
            try:
                mark = parse_id(up_to, "up_to")
            except InvalidInput as exc:
                raise InvalidInput("up_to must be a notification_id as listed") from exc
        self._store.mark_read(user_id, mark)

    def settings(self, user_id: str) -> NotificationSettings:
        return self._settings.get(user_id)

    def change_settings(self, user_id: str, push: Mapping[str, bool]) -> NotificationSettings:
        """Switch pushes of the named kinds on or off; an unknown kind is ``InvalidInput``."""
        known = {str(kind) for kind in NotificationKind}
        unknown = sorted(set(push) - known)
        if unknown:
            raise InvalidInput(
                f"unknown notification kind {unknown[0]!r}: expected one of {sorted(known)}"
            )
        changes = {NotificationKind(name): on for name, on in push.items()}
        return self._settings.set_push(user_id, changes)

    # -- internals --------------------------------------------------------------------------

    def _views(self, user_id: str, found: list[Notification]) -> list[NotificationView]:
        hidden = self._gate.blocked_ids(user_id)
        mark = self._store.read_up_to(user_id)
        shown: list[tuple[Notification, list[str], int]] = []
        for n in found:
            visible = [a for a in n.actor_ids if a not in hidden]
            count = n.actor_count - self._hidden_actors(n, hidden)
            if count > 0:
                shown.append((n, visible[:ACTORS_SHOWN], count))
        users = self._users.get_many({a for _, visible, _ in shown for a in visible})
        return [
            NotificationView(
                n,
                tuple(users[a] for a in visible if a in users),
                count,
                read=n.notification_id <= mark,
            )
            for n, visible, count in shown
        ]

    def _hidden_actors(self, notification: Notification, hidden: set[str]) -> int:
        """How many of the group's distinct actors are hidden from the reader: from the kept
        actors when they are all of them, otherwise from the group's actor set."""
        if not hidden:
            return 0
        if notification.actor_count <= len(notification.actor_ids):
            return sum(1 for a in notification.actor_ids if a in hidden)
        return len(
            self._store.actors_among(notification.recipient_id, notification.group_id, hidden)
        )

    def _named(self, usernames: Iterable[str]) -> list[User]:
        return [u for name in usernames if (u := self._users.by_username(name)) is not None]

    def _notify(
        self,
        recipient_id: str,
        kind: NotificationKind,
        actor_id: str,
        key: str,
        post_id: int | None = None,
        comment_id: int | None = None,
        at: datetime | None = None,
    ) -> None:
        """Record ``actor_id``'s action (at ``at``, its time; the time now for a message
        written before actions carried one) in the recipient's notifications."""
        if recipient_id == actor_id:
            return  # nobody is notified of their own actions
        if self._gate.blocked(recipient_id, actor_id):
            return  # a block made after the action: its events must not reach across it
        now = at or self._clock.now()
        counted: dict[int, bool] = {}  # group run -> whether this event adds an actor
        for _ in range(ADVANCE_ATTEMPTS):
            latest = self._store.latest_in_group(recipient_id, key)
            if latest is not None and same_run(latest, kind, now):
                if kind not in COLLAPSIBLE:
                    return  # the same event again: its key names it
                if latest.group_id not in counted:
                    if comment_id is not None and not self._store.add_actor(
                        recipient_id, latest.group_id, f"#comment:{comment_id}"
                    ):
                        return  # this comment was counted already
                    new_actor = self._store.add_actor(recipient_id, latest.group_id, actor_id)
                    if not new_actor and comment_id is None:
                        return  # a like or follow by an actor already counted: nothing new
                    counted[latest.group_id] = new_actor
                notification = moved_to_top(
                    latest,
                    self._ids.next_id() if is_newest(latest, now) else latest.notification_id,
                    actor_id,
                    counted[latest.group_id],
                    now,
                    comment_id,
                )
                replaces = True
            else:
                notification_id = self._ids.next_id()
                notification = Notification(
                    notification_id=notification_id,
                    recipient_id=recipient_id,
                    kind=kind,
                    group_key=key,
                    actor_ids=(actor_id,),
                    actor_count=1,
                    created_at=now,
                    post_id=post_id,
                    comment_id=comment_id,
                    actor_times=(now,),
                )
                # recorded before the group is visible, so a racing joiner sees the actor
                self._store.add_actor(recipient_id, notification_id, actor_id)
                if comment_id is not None and kind in COLLAPSIBLE:
                    self._store.add_actor(recipient_id, notification_id, f"#comment:{comment_id}")
                replaces = False
            expected = latest.notification_id if latest is not None else None
            if self._store.advance_group(expected, notification, replaces):
                break
        else:
            raise Unavailable(f"notification group {key!r} kept changing; will retry")
        self._push(notification)

    def _push(self, notification: Notification) -> None:
        """One delivery command per device of the recipient, unless pushes of this kind are
        off, and at most one per device, post and kind in five minutes: the rest of a
        burst of likes shows in the (collapsed) Activity entry, not as more pushes."""
        if not self._settings.get(notification.recipient_id).pushes(notification.kind):
            return
        devices = self._devices.for_user(notification.recipient_id)
        if not devices:
            return
        actors = self._users.get_many(notification.actor_ids[:1])
        lead = actors[notification.actor_ids[0]].username if actors else None
        hidden = self._gate.blocked_ids(notification.recipient_id)
        count = notification.actor_count - self._hidden_actors(notification, hidden)
        text = summary_text(lead, max(count, 1), notification.kind)
        for device in devices:
            subject = f"{device.device_id}:{notification.post_id}:{notification.kind}"
            if not hit(self._limiter, PUSHES_PER_POST, subject).allowed:
                continue
            self._bus.publish(
                PushDelivery(
                    device_id=device.device_id,
                    recipient_id=notification.recipient_id,
                    kind=str(notification.kind),
                    text=text,
                    post_id=notification.post_id,
                    notification_id=notification.notification_id,
                    push_id=self._ids.next_id(),
                )
            )


def _delivery_key(command: PushDelivery) -> str | None:
    """The claim of one push to one device; None for a command written before push ids."""
    if not command.push_id:
        return None
    return f"push:{command.device_id}:{command.notification_id}:{command.kind}:{command.push_id}"

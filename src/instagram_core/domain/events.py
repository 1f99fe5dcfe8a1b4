"""Things that happened (past tense) and commands (imperative) carried by the event bus.

Handlers are mapped to these explicitly by the composition root; nothing fires implicitly.

Events that make notifications carry ``occurred_at``, the time of the action: buses run
handlers on several threads (and partitions), so the order they are handled in is not the
order they happened in, and notifications list their actors by this time. Messages written
before the field existed decode with ``None``: their handler uses the time it runs.
"""

from __future__ import annotations

from datetime import datetime

import attrs


class Message:
    """Marker base of everything the bus carries."""


@attrs.frozen
class UserRegistered(Message):
    user_id: str


@attrs.frozen
class ProfileUpdated(Message):
    user_id: str
    became_private: bool = False
    became_public: bool = False


@attrs.frozen
class PostCreated(Message):
    """Phase one: metadata stored, media not yet processed."""

    post_id: int


@attrs.frozen
class PostPublished(Message):
    """Phase two: every variant exists; fan-out may start."""

    post_id: int
    author_id: str


@attrs.frozen
class PostDeleted(Message):
    post_id: int
    author_id: str
    media_ids: tuple[int, ...]
    media_prefixes: tuple[str, ...]
    hashtags: tuple[str, ...] = ()


@attrs.frozen
class FanOutPost(Message):
    """Command: push ``post_id`` to the next chunk of the author's followers after
    ``after_follower_id`` (one chunk per job, so big audiences retry in small pieces)."""

    post_id: int
    author_id: str
    after_follower_id: str | None = None


@attrs.frozen
class FollowCreated(Message):
    follower_id: str
    followee_id: str
    pending: bool
    occurred_at: datetime | None = None


@attrs.frozen
class FollowApproved(Message):
    follower_id: str
    followee_id: str
    occurred_at: datetime | None = None


@attrs.frozen
class FollowRemoved(Message):
    follower_id: str
    followee_id: str


@attrs.frozen
class PostLiked(Message):
    post_id: int
    user_id: str
    author_id: str
    occurred_at: datetime | None = None


@attrs.frozen
class PostSaved(Message):
    """A bookmark added: Explore's strongest taste signal (services/explore.py)."""

    post_id: int
    user_id: str
    author_id: str
    occurred_at: datetime | None = None


@attrs.frozen
class PostUnsaved(Message):
    """A bookmark removed: Explore's log takes the save's weight back."""

    post_id: int
    user_id: str
    author_id: str
    occurred_at: datetime | None = None


@attrs.frozen
class CommentAdded(Message):
    comment_id: int
    post_id: int
    commenter_id: str
    post_author_id: str
    mentions: tuple[str, ...] = ()
    occurred_at: datetime | None = None


@attrs.frozen
class StoryCreated(Message):
    story_id: int
    author_id: str


@attrs.frozen
class StoryViewed(Message):
    """A viewer's first view of a story: closeness to its author grows."""

    story_id: int
    viewer_id: str
    author_id: str


@attrs.frozen
class StoryMentioned(Message):
    """A live story's mention stickers name these accounts: each hears of it once."""

    story_id: int
    author_id: str
    user_ids: tuple[str, ...]


@attrs.frozen
class ProfileVisited(Message):
    """Someone opened another account's profile: closeness to it grows.

    ``visit_id`` names this one visit, so a redelivery counts once; messages written before
    it existed decode with ``""`` and count as they always did."""

    viewer_id: str
    user_id: str
    visit_id: str = ""


@attrs.frozen
class FeedPageShown(Message):
    """Posts a feed page showed the viewer: remembered as seen, off the request path."""

    viewer_id: str
    post_ids: tuple[int, ...]


@attrs.frozen
class PushDelivery(Message):
    """Command: send one push to one device. One message per device, so a failing device
    is retried (with backoff) on its own, never holding the others or any request."""

    device_id: int
    recipient_id: str
    kind: str
    text: str
    post_id: int | None = None
    notification_id: int | None = None
    # Names this one push, so a redelivered command sends nothing more (a notification may
    # push again later, after the per-post window). 0: written before push ids, not deduped.
    push_id: int = 0


BEST_EFFORT_MESSAGES: frozenset[type[Message]] = frozenset({FeedPageShown})
"""Hints whose loss no user could notice: a bus may carry them on a non-durable lane (the
embedded profile batches them in memory, see docs/event-bus.md). Never a message that
follows an acknowledged write."""

"""Intents without a durable log, and the sweep that settles intents a crash left held.

:class:`PublishAfterWrite` is the :class:`~instagram_core.ports.intents.Intents` of buses that
keep nothing across a crash anyway (in memory, in-process threads): the message is published
once the write returned. :class:`IntentSweep` is what ``instagram worker recovery`` (and every
API process) runs: each held intent is settled by asking :class:`Outcomes` whether its write
is in the store.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TypeVar

import attrs

from instagram_core.domain.errors import Unavailable
from instagram_core.domain.events import (
    CommentAdded,
    Message,
    PostCreated,
    PostDeleted,
    PostLiked,
    PostSaved,
    PostUnsaved,
    StoryCreated,
    StoryViewed,
)
from instagram_core.ports.clock import Clock
from instagram_core.ports.comments import CommentStore
from instagram_core.ports.engagement import EngagementStore
from instagram_core.ports.events import EventBus
from instagram_core.ports.intents import HeldIntent, Intents
from instagram_core.ports.posts import PostStore
from instagram_core.ports.stories import StoryStore
from instagram_core.ports.story_views import StoryViewStore

T = TypeVar("T")

log = logging.getLogger("instagram.intents")

# The longest a write announced through an intent may take before a sweep judges it: well
# above every store's request timeout, so an intent whose write is still in flight is
# never settled as "did not happen".
INTENT_GRACE = timedelta(seconds=60)
SWEEP_BATCH = 500


def always(_: object) -> bool:
    """``keep`` for a write whose message is due whatever it returned."""
    return True


class PublishAfterWrite:
    """:class:`~instagram_core.ports.intents.Intents` over a bus that is not durable: the
    message is published once ``write`` returned, and nothing is ever held. A crash
    between the two loses the message, as it loses the bus's queue."""

    def __init__(self, bus: EventBus) -> None:
        self._bus = bus

    def run(self, message: Message, write: Callable[[], T], keep: Callable[[T], bool]) -> T:
        result = write()
        if keep(result):
            self._bus.publish(message)
        return result

    def held(self, older_than: timedelta, limit: int) -> Sequence[HeldIntent]:
        return ()

    def settle(self, intent: HeldIntent, happened: bool) -> None:
        if happened:
            self._bus.publish(intent.message)


@attrs.frozen
class OutcomeStores:
    posts: PostStore
    engagement: EngagementStore
    comments: CommentStore
    stories: StoryStore
    story_views: StoryViewStore


class Outcomes:
    """Whether the write a message announces is in its store: one check per message type
    that services announce through :class:`~instagram_core.ports.intents.Intents`."""

    def __init__(self, stores: OutcomeStores, clock: Clock) -> None:
        self._s = stores
        self._clock = clock
        self._checks: dict[type[Message], Callable[[Message], bool]] = {
            PostCreated: lambda m: self._post_exists(m, present=True),
            PostDeleted: lambda m: self._post_exists(m, present=False),
            PostLiked: self._liked,
            PostSaved: lambda m: self._saved(m, present=True),
            PostUnsaved: lambda m: self._saved(m, present=False),
            CommentAdded: self._commented,
            StoryCreated: self._story_stored,
            StoryViewed: self._story_viewed,
        }

    @property
    def kinds(self) -> frozenset[type[Message]]:
        return frozenset(self._checks)

    def happened(self, message: Message) -> bool:
        """``True`` if the write is in the store. A type without a check (written by a
        newer release) counts as happened: a duplicate costs less than a lost message."""
        check = self._checks.get(type(message))
        if check is None:
            log.warning("no outcome check for %s; releasing it", type(message).__name__)
            return True
        return check(message)

    def _post_exists(self, message: Message, *, present: bool) -> bool:
        assert isinstance(message, PostCreated | PostDeleted)
        return (self._s.posts.get(message.post_id) is not None) is present

    def _liked(self, message: Message) -> bool:
        assert isinstance(message, PostLiked)
        return message.post_id in self._s.engagement.liked_by(message.user_id, [message.post_id])

    def _saved(self, message: Message, *, present: bool) -> bool:
        assert isinstance(message, PostSaved | PostUnsaved)
        saved = self._s.engagement.saved_by(message.user_id, [message.post_id])
        return (message.post_id in saved) is present

    def _commented(self, message: Message) -> bool:
        assert isinstance(message, CommentAdded)
        found = self._s.comments.list(message.post_id, message.comment_id - 1, 1)
        return bool(found) and found[0].comment_id == message.comment_id

    def _story_stored(self, message: Message) -> bool:
        assert isinstance(message, StoryCreated)
        if self._s.stories.get(message.story_id, self._clock.now()) is not None:
            return True
        return bool(self._s.stories.archived_many(message.author_id, [message.story_id]))

    def _story_viewed(self, message: Message) -> bool:
        assert isinstance(message, StoryViewed)
        return message.story_id in self._s.story_views.seen(message.viewer_id, [message.story_id])


@attrs.frozen
class IntentReport:
    released: int = 0  # the write was there: the message went to the bus
    dropped: int = 0  # the write never happened: the message was withdrawn
    left: int = 0  # the store could not answer: held for the next sweep


class IntentSweep:
    """Settles intents held longer than ``grace``: their process stopped between recording
    the message and releasing it (a kill, a crash, a write that raised)."""

    def __init__(
        self, intents: Intents, outcomes: Outcomes, grace: timedelta = INTENT_GRACE
    ) -> None:
        self._intents = intents
        self._outcomes = outcomes
        self._grace = grace

    @property
    def kinds(self) -> frozenset[type[Message]]:
        """The message types it can settle."""
        return self._outcomes.kinds

    def recover(self, older_than: timedelta | None = None) -> IntentReport:
        released = dropped = left = 0
        grace = self._grace if older_than is None else older_than
        for intent in self._intents.held(grace, SWEEP_BATCH):
            try:
                happened = self._outcomes.happened(intent.message)
            except Unavailable as exc:
                log.warning("cannot settle %s yet: %s", intent.message, exc)
                left += 1
                continue
            self._intents.settle(intent, happened)
            if happened:
                released += 1
            else:
                dropped += 1
        return IntentReport(released, dropped, left)

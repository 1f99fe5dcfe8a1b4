"""The explicit map from each message type to the use cases that handle it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from instagram_core.domain import events
from instagram_core.ports.events import HandlerMap
from instagram_core.services.cleanup import CleanupService
from instagram_core.services.closeness import Closeness
from instagram_core.services.explore import ExploreService
from instagram_core.services.fanout import FanoutService
from instagram_core.services.notifications import NotificationService
from instagram_core.services.publishing import PublishingService
from instagram_core.services.ranking import ModelRanker
from instagram_core.services.search import SearchService
from instagram_core.services.stories import StoryService


@attrs.frozen
class Workers:
    """The services that react to events."""

    publishing: PublishingService
    fanout: FanoutService
    notifications: NotificationService
    search: SearchService
    cleanup: CleanupService
    stories: StoryService
    ranking: ModelRanker
    closeness: Closeness
    explore: ExploreService


def message_handlers(w: Workers) -> HandlerMap:
    return {
        events.UserRegistered: [w.search.on_user_changed],
        events.ProfileUpdated: [w.search.on_user_changed],
        events.PostCreated: [w.publishing.process_post],
        events.PostPublished: [
            w.fanout.on_post_published,
            w.notifications.on_post_published,
            w.search.on_post_published,
        ],
        events.FanOutPost: [w.fanout.fan_out_chunk],
        events.PostDeleted: [
            w.fanout.on_post_deleted,
            w.search.on_post_deleted,
            w.cleanup.on_post_deleted,
            w.explore.on_post_deleted,
        ],
        events.FollowCreated: [
            w.fanout.on_follow_created,
            w.notifications.on_follow_created,
            w.stories.on_follow_changed,
            w.search.on_follow_changed,
        ],
        events.FollowApproved: [
            w.fanout.on_follow_approved,
            w.notifications.on_follow_approved,
            w.stories.on_follow_changed,
            w.search.on_follow_changed,
        ],
        events.FollowRemoved: [
            w.fanout.on_follow_removed,
            w.stories.on_follow_changed,
            w.search.on_follow_changed,
        ],
        events.PostLiked: [
            w.notifications.on_post_liked,
            w.ranking.on_post_liked,
            w.explore.on_post_liked,
        ],
        events.CommentAdded: [
            w.notifications.on_comment_added,
            w.ranking.on_comment_added,
            w.explore.on_comment_added,
        ],
        events.PostSaved: [w.explore.on_post_saved],
        events.PostUnsaved: [w.explore.on_post_unsaved],
        events.StoryCreated: [w.stories.process_story],
        events.StoryViewed: [w.closeness.on_story_viewed, w.stories.on_story_viewed],
        events.StoryMentioned: [w.notifications.on_story_mentioned],
        events.ProfileVisited: [w.closeness.on_profile_visited],
        events.FeedPageShown: [w.ranking.on_page_shown],
        events.PushDelivery: [w.notifications.deliver_push],
    }


def dead_letter_handlers(w: Workers) -> Mapping[type[events.Message], Callable[[Any, str], None]]:
    """What to do when a message's handler failed on every attempt."""
    return {events.PostCreated: w.publishing.give_up}


WORKER_KINDS = ("media", "fanout", "notifications", "indexer")


def worker_handlers(w: Workers) -> Mapping[str, HandlerMap]:
    """:func:`message_handlers` split by the worker process that runs them, so each kind
    scales (and fails) on its own: media is CPU-bound, fan-out writes feeds, notifications
    push, the indexer keeps search, ranking and Explore's log up to date. Every handler is
    in exactly one kind (``tests/unit/test_worker_handlers.py``)."""
    return {
        "media": {
            events.PostCreated: [w.publishing.process_post],
            events.StoryCreated: [w.stories.process_story],
            events.PostDeleted: [w.cleanup.on_post_deleted],
        },
        "fanout": {
            events.PostPublished: [w.fanout.on_post_published],
            events.FanOutPost: [w.fanout.fan_out_chunk],
            events.PostDeleted: [w.fanout.on_post_deleted],
            events.FollowCreated: [w.fanout.on_follow_created, w.stories.on_follow_changed],
            events.FollowApproved: [w.fanout.on_follow_approved, w.stories.on_follow_changed],
            events.FollowRemoved: [w.fanout.on_follow_removed, w.stories.on_follow_changed],
            events.StoryViewed: [w.stories.on_story_viewed],
        },
        "notifications": {
            events.PostPublished: [w.notifications.on_post_published],
            events.FollowCreated: [w.notifications.on_follow_created],
            events.FollowApproved: [w.notifications.on_follow_approved],
            events.PostLiked: [w.notifications.on_post_liked],
            events.CommentAdded: [w.notifications.on_comment_added],
            events.StoryMentioned: [w.notifications.on_story_mentioned],
            events.PushDelivery: [w.notifications.deliver_push],
        },
        "indexer": {
            events.UserRegistered: [w.search.on_user_changed],
            events.ProfileUpdated: [w.search.on_user_changed],
            events.PostPublished: [w.search.on_post_published],
            events.PostDeleted: [w.search.on_post_deleted, w.explore.on_post_deleted],
            events.FollowCreated: [w.search.on_follow_changed],
            events.FollowApproved: [w.search.on_follow_changed],
            events.FollowRemoved: [w.search.on_follow_changed],
            events.PostLiked: [w.ranking.on_post_liked, w.explore.on_post_liked],
            events.CommentAdded: [w.ranking.on_comment_added, w.explore.on_comment_added],
            events.PostSaved: [w.explore.on_post_saved],
            events.PostUnsaved: [w.explore.on_post_unsaved],
            events.FeedPageShown: [w.ranking.on_page_shown],
            events.StoryViewed: [w.closeness.on_story_viewed],
            events.ProfileVisited: [w.closeness.on_profile_visited],
        },
    }


class DeadLetterRouter:
    """Calls the give-up hook of a message type whose handler failed for good."""

    def __init__(self, hooks: Mapping[type[events.Message], Callable[[Any, str], None]]) -> None:
        self._hooks = hooks

    def __call__(self, message: events.Message, error: str) -> None:
        hook = self._hooks.get(type(message))
        if hook is not None:
            hook(message, error)

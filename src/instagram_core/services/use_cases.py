"""What :func:`~instagram_core.bootstrap.bootstrap` returns: every use case, and what the
event bus needs to run them."""

from __future__ import annotations

from collections.abc import Callable

import attrs

from instagram_core.domain.events import Message
from instagram_core.policies.visibility import AudienceGate
from instagram_core.ports.events import HandlerMap
from instagram_core.services.accounts import AccountService
from instagram_core.services.cleanup import CleanupService
from instagram_core.services.closeness import Closeness
from instagram_core.services.comments import CommentService
from instagram_core.services.discovery import DiscoveryService
from instagram_core.services.engagement import EngagementService
from instagram_core.services.explore import ExploreService
from instagram_core.services.explore_build import ExploreBuilder
from instagram_core.services.fanout import FanoutService
from instagram_core.services.feed import FeedService
from instagram_core.services.freshness import Freshness
from instagram_core.services.handlers import Workers
from instagram_core.services.highlights import HighlightService
from instagram_core.services.intents import IntentSweep
from instagram_core.services.media import MediaService
from instagram_core.services.notifications import NotificationService
from instagram_core.services.posts import PostService
from instagram_core.services.profiles import ProfileService
from instagram_core.services.publishing import PublishingService
from instagram_core.services.push_devices import PushDevices
from instagram_core.services.ranking import ModelRanker
from instagram_core.services.search import SearchService
from instagram_core.services.social import SocialService
from instagram_core.services.stories import StoryService
from instagram_core.services.story_audience import StoryAudience
from instagram_core.services.story_views import StoryViews
from instagram_core.services.tracked_feed_cache import TrackedFeedCache
from instagram_core.services.upload_sweeper import UploadSweeper
from instagram_core.services.views import PostViews


@attrs.frozen(kw_only=True)
class UseCases:
    """The services a process calls, and what its event bus needs: :attr:`handlers` (the
    explicit map from message type to the use cases that react) and :attr:`give_up` (what
    to do with a message whose handler failed on every attempt)."""

    accounts: AccountService
    social: SocialService
    profiles: ProfileService
    media: MediaService
    posts: PostService
    engagement: EngagementService
    comments: CommentService
    feed: FeedService
    notifications: NotificationService
    push_devices: PushDevices
    search: SearchService
    discovery: DiscoveryService
    explore: ExploreService
    explore_builder: ExploreBuilder
    stories: StoryService
    story_views: StoryViews
    story_audience: StoryAudience
    highlights: HighlightService
    closeness: Closeness
    publishing: PublishingService
    fanout: FanoutService
    cleanup: CleanupService
    upload_sweeper: UploadSweeper
    model_ranker: ModelRanker
    views: PostViews
    freshness: Freshness
    feeds: TrackedFeedCache
    gate: AudienceGate
    workers: Workers
    handlers: HandlerMap
    give_up: Callable[[Message, str], None]
    intent_sweep: IntentSweep  # settles messages a crash left between record and release

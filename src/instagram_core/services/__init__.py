"""Use cases: each service method is one thing a user or a worker does."""

from instagram_core.services.accounts import AccountService
from instagram_core.services.audience import Audience
from instagram_core.services.cleanup import CleanupService
from instagram_core.services.closeness import Closeness
from instagram_core.services.comment_counts import CommentCounts, KeptCommentCounts
from instagram_core.services.comments import CommentService, CommentView
from instagram_core.services.discovery import DiscoveryService, PostOrder
from instagram_core.services.engagement import EngagementService
from instagram_core.services.explore import ExploreService, ExploreStores
from instagram_core.services.explore_build import BuildReport, ExploreBuilder
from instagram_core.services.fanout import FanoutService
from instagram_core.services.feed import FeedPage, FeedService, FeedStores
from instagram_core.services.freshness import Freshness, ReadRecorder, ReadStamp
from instagram_core.services.handlers import DeadLetterRouter, Workers
from instagram_core.services.highlights import HighlightService, HighlightView
from instagram_core.services.intents import (
    IntentReport,
    IntentSweep,
    Outcomes,
    OutcomeStores,
    PublishAfterWrite,
)
from instagram_core.services.known_users import KnownUsers
from instagram_core.services.media import MediaService, UploadTicket
from instagram_core.services.media_types import KeptMediaTypes
from instagram_core.services.media_views import MediaView, MediaViews, VariantView
from instagram_core.services.notifications import (
    NotificationService,
    NotificationStores,
    NotificationView,
)
from instagram_core.services.post_rows import PostRows
from instagram_core.services.posts import NewPost, PostService, PostStores
from instagram_core.services.profiles import ProfileService
from instagram_core.services.publishing import MediaPipeline, PublishingService
from instagram_core.services.pulled_timelines import PulledTimelines
from instagram_core.services.push_devices import PushDevices
from instagram_core.services.ranking import MediaTypes, ModelRanker
from instagram_core.services.resumable_uploads import ResumableUpload, ResumableUploadCases
from instagram_core.services.search import SearchResults, SearchService, SearchType, UserResult
from instagram_core.services.social import SocialService
from instagram_core.services.stories import StoryService, StoryTrayView
from instagram_core.services.story_audience import StoryAudience, ViewerEntry
from instagram_core.services.story_views import StoryView, StoryViews
from instagram_core.services.tracked_feed_cache import TrackedFeedCache
from instagram_core.services.units import PublishAfterWork
from instagram_core.services.upload_sweeper import SweepReport, UploadSweeper
from instagram_core.services.use_cases import UseCases
from instagram_core.services.views import PostView, PostViews

__all__ = [
    "AccountService",
    "Audience",
    "BuildReport",
    "CleanupService",
    "Closeness",
    "CommentCounts",
    "CommentService",
    "CommentView",
    "DeadLetterRouter",
    "DiscoveryService",
    "EngagementService",
    "ExploreBuilder",
    "ExploreService",
    "ExploreStores",
    "FanoutService",
    "FeedPage",
    "FeedService",
    "FeedStores",
    "Freshness",
    "HighlightService",
    "HighlightView",
    "IntentReport",
    "IntentSweep",
    "KeptCommentCounts",
    "KeptMediaTypes",
    "KnownUsers",
    "MediaPipeline",
    "MediaService",
    "MediaTypes",
    "MediaView",
    "MediaViews",
    "ModelRanker",
    "NewPost",
    "NotificationService",
    "NotificationStores",
    "NotificationView",
    "OutcomeStores",
    "Outcomes",
    "PostOrder",
    "PostRows",
    "PostService",
    "PostStores",
    "PostView",
    "PostViews",
    "ProfileService",
    "PublishAfterWork",
    "PublishAfterWrite",
    "PublishingService",
    "PulledTimelines",
    "PushDevices",
    "ReadRecorder",
    "ReadStamp",
    "ResumableUpload",
    "ResumableUploadCases",
    "SearchResults",
    "SearchService",
    "SearchType",
    "SocialService",
    "StoryAudience",
    "StoryService",
    "StoryTrayView",
    "StoryView",
    "StoryViews",
    "SweepReport",
    "TrackedFeedCache",
    "UploadSweeper",
    "UploadTicket",
    "UseCases",
    "UserResult",
    "VariantView",
    "ViewerEntry",
    "Workers",
]

"""Ports: the protocols through which the core reaches every store and side effect.

Each method's docstring states its edge cases; the contract suites of
:mod:`instagram_core.testing` check exactly those sentences against every adapter. Adapters
raise :class:`~instagram_core.domain.errors.Unavailable` when their engine cannot be
reached, never a driver exception. :class:`Ports` holds one adapter per port.
"""

from instagram_core.ports.abandoned_uploads import PendingUpload, StaleUploads, UnclaimedMedia
from instagram_core.ports.affinity import AffinityStore
from instagram_core.ports.blobs import BlobInfo, BlobStore, PresignedUpload
from instagram_core.ports.bundle import Ports
from instagram_core.ports.change_versions import ChangeVersions
from instagram_core.ports.claims import ClaimStore
from instagram_core.ports.clock import Clock
from instagram_core.ports.comments import CommentStore
from instagram_core.ports.engagement import EngagementStore
from instagram_core.ports.events import DeadLetterHook, EventBus, Handler, HandlerMap, LocalEventBus
from instagram_core.ports.explore import Engagement, ExploreStore, ItemSimilarity
from instagram_core.ports.feed_cache import FeedCache
from instagram_core.ports.feed_snapshots import FeedSnapshots
from instagram_core.ports.highlights import HighlightStore
from instagram_core.ports.ids import IdGenerator
from instagram_core.ports.intents import HeldIntent, Intents
from instagram_core.ports.media import MediaStore
from instagram_core.ports.moderation import ModerationVerdict, Moderator
from instagram_core.ports.multipart import MultipartUploads, UploadedPart
from instagram_core.ports.notifications import (
    DeviceStore,
    NotificationSettingsStore,
    NotificationStore,
)
from instagram_core.ports.posts import PostStore
from instagram_core.ports.processing import (
    MediaHeader,
    MediaProcessor,
    ProcessedImage,
    ProcessedVideo,
    RenderedVariant,
    VideoTranscoder,
)
from instagram_core.ports.push import DeviceGone, PushGateway, PushMessage, PushRejected
from instagram_core.ports.ranking import EngagementModel, Ranker
from instagram_core.ports.rate_limit import RateDecision, RateLimiter
from instagram_core.ports.restrictions import Restrictions
from instagram_core.ports.search import (
    Audience,
    HashtagHit,
    MatchTier,
    NearbyPlace,
    PlaceDocument,
    PlaceHit,
    PostDocument,
    SearchIndex,
    UserDocument,
    UserHit,
)
from instagram_core.ports.security import IssuedToken, PasswordHasher, TokenService
from instagram_core.ports.social_graph import SocialGraph
from instagram_core.ports.stories import StoryStore
from instagram_core.ports.story_polls import StoryPollStore
from instagram_core.ports.story_trays import CachedTray, StoryTrayCache
from instagram_core.ports.story_views import StoryViewStore
from instagram_core.ports.trending import TrendingTags
from instagram_core.ports.units import Emit, UnitOfWork
from instagram_core.ports.users import UserStore

__all__ = [
    "AffinityStore",
    "Audience",
    "BlobInfo",
    "BlobStore",
    "CachedTray",
    "ChangeVersions",
    "ClaimStore",
    "Clock",
    "CommentStore",
    "DeadLetterHook",
    "DeviceGone",
    "DeviceStore",
    "Emit",
    "Engagement",
    "EngagementModel",
    "EngagementStore",
    "EventBus",
    "ExploreStore",
    "FeedCache",
    "FeedSnapshots",
    "Handler",
    "HandlerMap",
    "HashtagHit",
    "HeldIntent",
    "HighlightStore",
    "IdGenerator",
    "Intents",
    "IssuedToken",
    "ItemSimilarity",
    "LocalEventBus",
    "MatchTier",
    "MediaHeader",
    "MediaProcessor",
    "MediaStore",
    "ModerationVerdict",
    "Moderator",
    "MultipartUploads",
    "NearbyPlace",
    "NotificationSettingsStore",
    "NotificationStore",
    "PasswordHasher",
    "PendingUpload",
    "PlaceDocument",
    "PlaceHit",
    "Ports",
    "PostDocument",
    "PostStore",
    "PresignedUpload",
    "ProcessedImage",
    "ProcessedVideo",
    "PushGateway",
    "PushMessage",
    "PushRejected",
    "Ranker",
    "RateDecision",
    "RateLimiter",
    "RenderedVariant",
    "Restrictions",
    "SearchIndex",
    "SocialGraph",
    "StaleUploads",
    "StoryPollStore",
    "StoryStore",
    "StoryTrayCache",
    "StoryViewStore",
    "TokenService",
    "TrendingTags",
    "UnclaimedMedia",
    "UnitOfWork",
    "UploadedPart",
    "UserDocument",
    "UserHit",
    "UserStore",
    "VideoTranscoder",
]

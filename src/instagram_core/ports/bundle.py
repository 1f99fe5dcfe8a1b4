"""All the ports at once: what :func:`~instagram_core.bootstrap.bootstrap` builds the use
cases over."""

from __future__ import annotations

import attrs

from instagram_core.ports.abandoned_uploads import StaleUploads, UnclaimedMedia
from instagram_core.ports.affinity import AffinityStore
from instagram_core.ports.blobs import BlobStore
from instagram_core.ports.change_versions import ChangeVersions
from instagram_core.ports.claims import ClaimStore
from instagram_core.ports.clock import Clock
from instagram_core.ports.comments import CommentStore
from instagram_core.ports.engagement import EngagementStore
from instagram_core.ports.events import EventBus
from instagram_core.ports.explore import ExploreStore, ItemSimilarity
from instagram_core.ports.feed_cache import FeedCache
from instagram_core.ports.feed_snapshots import FeedSnapshots
from instagram_core.ports.highlights import HighlightStore
from instagram_core.ports.ids import IdGenerator
from instagram_core.ports.intents import Intents
from instagram_core.ports.moderation import Moderator
from instagram_core.ports.multipart import MultipartUploads
from instagram_core.ports.notifications import (
    DeviceStore,
    NotificationSettingsStore,
    NotificationStore,
)
from instagram_core.ports.posts import PostStore
from instagram_core.ports.processing import MediaProcessor, VideoTranscoder
from instagram_core.ports.push import PushGateway
from instagram_core.ports.ranking import EngagementModel, Ranker
from instagram_core.ports.rate_limit import RateLimiter
from instagram_core.ports.restrictions import Restrictions
from instagram_core.ports.search import SearchIndex
from instagram_core.ports.security import PasswordHasher, TokenService
from instagram_core.ports.social_graph import SocialGraph
from instagram_core.ports.stories import StoryStore
from instagram_core.ports.story_polls import StoryPollStore
from instagram_core.ports.story_trays import StoryTrayCache
from instagram_core.ports.story_views import StoryViewStore
from instagram_core.ports.trending import TrendingTags
from instagram_core.ports.units import UnitOfWork
from instagram_core.ports.users import UserStore


@attrs.frozen(kw_only=True)
class Ports:
    """One adapter per port of :mod:`instagram_core.ports`; the field names are the names
    the service's containers give their providers."""

    clock: Clock
    ids: IdGenerator
    events: EventBus
    users: UserStore
    graph: SocialGraph
    restrictions: Restrictions
    affinity: AffinityStore
    posts: PostStore
    media: UnclaimedMedia  # the upload sweeper lists and deletes what no post claimed
    engagement: EngagementStore
    comments: CommentStore
    stories: StoryStore
    story_views: StoryViewStore
    story_polls: StoryPollStore
    highlights: HighlightStore
    notifications: NotificationStore
    devices: DeviceStore
    notification_settings: NotificationSettingsStore
    feeds: FeedCache
    feed_snapshots: FeedSnapshots
    change_versions: ChangeVersions
    story_trays: StoryTrayCache
    search_index: SearchIndex
    trending: TrendingTags
    explore: ExploreStore
    item_similarity: ItemSimilarity  # Explore's offline computation
    limiter: RateLimiter
    claims: ClaimStore
    ranker: Ranker
    engagement_model: EngagementModel
    moderator: Moderator
    push: PushGateway
    hasher: PasswordHasher
    tokens: TokenService
    blobs: BlobStore
    multipart: MultipartUploads
    stale_uploads: StaleUploads  # the unfinished side of the upload store
    processor: MediaProcessor
    transcoder: VideoTranscoder | None  # None: uploads of video are refused
    # Writes and the messages announcing them, kept together. None: the messages are
    # published to ``events`` once the writes returned (no transaction joins the two).
    unit: UnitOfWork | None = None
    # Messages of writes to stores outside ``unit``'s transaction (posts, likes, comments,
    # stories in Cassandra or Redis), recorded before the write. None: published to
    # ``events`` once the write returned (nothing durable to recover after a crash).
    intents: Intents | None = None

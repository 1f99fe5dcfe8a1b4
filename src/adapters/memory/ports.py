"""Every port in memory, in one call: the library's quickest way in.

It needs no extra: Pillow (for photos) is imported at the first photo, and numpy (the ``ml``
extra, for the shipped ranking model) at the first feed the model ranks (:mod:`.deferred`).
"""

from __future__ import annotations

import secrets

from instagram_adapters.argon2.hasher import Argon2PasswordHasher
from instagram_adapters.jwt.tokens import JwtTokenService
from instagram_adapters.memory.affinity import InMemoryAffinityStore
from instagram_adapters.memory.blobs import InMemoryBlobStore
from instagram_adapters.memory.change_versions import InMemoryChangeVersions
from instagram_adapters.memory.claims import InMemoryClaimStore
from instagram_adapters.memory.clock import SystemClock
from instagram_adapters.memory.comments import InMemoryCommentStore
from instagram_adapters.memory.deferred import DeferredEngagementModel, DeferredMediaProcessor
from instagram_adapters.memory.engagement import InMemoryEngagementStore
from instagram_adapters.memory.event_bus import SynchronousEventBus
from instagram_adapters.memory.explore import InMemoryExploreStore
from instagram_adapters.memory.feed_cache import InMemoryFeedCache
from instagram_adapters.memory.feed_snapshots import InMemoryFeedSnapshots
from instagram_adapters.memory.highlights import InMemoryHighlightStore
from instagram_adapters.memory.ids import SnowflakeIdGenerator
from instagram_adapters.memory.item_similarity import default_item_similarity
from instagram_adapters.memory.media import InMemoryMediaStore
from instagram_adapters.memory.moderation import WordListModerator
from instagram_adapters.memory.multipart import InMemoryMultipartUploads
from instagram_adapters.memory.notifications import InMemoryNotificationStore
from instagram_adapters.memory.posts import InMemoryPostStore
from instagram_adapters.memory.push import LoggingPushGateway
from instagram_adapters.memory.push_devices import (
    InMemoryDeviceStore,
    InMemoryNotificationSettingsStore,
)
from instagram_adapters.memory.ranking import ChronologicalRanker
from instagram_adapters.memory.rate_limiter import InMemoryRateLimiter
from instagram_adapters.memory.restrictions import InMemoryRestrictions
from instagram_adapters.memory.search import InMemorySearchIndex
from instagram_adapters.memory.social_graph import InMemorySocialGraph
from instagram_adapters.memory.stories import InMemoryStoryStore
from instagram_adapters.memory.story_polls import InMemoryStoryPollStore
from instagram_adapters.memory.story_trays import InMemoryStoryTrayCache
from instagram_adapters.memory.story_views import InMemoryStoryViewStore
from instagram_adapters.memory.trending import InMemoryTrendingTags
from instagram_adapters.memory.users import InMemoryUserStore
from instagram_core.ports import (
    Clock,
    EngagementModel,
    EventBus,
    MediaProcessor,
    PasswordHasher,
    Ports,
    VideoTranscoder,
)

SECRET_BYTES = 32


def memory_ports(
    *,
    clock: Clock | None = None,
    events: EventBus | None = None,
    secret: bytes | None = None,
    blob_base_url: str = "/blobs",
    hasher: PasswordHasher | None = None,
    processor: MediaProcessor | None = None,
    transcoder: VideoTranscoder | None = None,
    engagement_model: EngagementModel | None = None,
) -> Ports:
    """A complete :class:`~instagram_core.bootstrap.Ports` with every store and cache in
    this process, lost when it ends.

    Each argument left out gets the default: the system clock; a
    :class:`~instagram_adapters.memory.event_bus.SynchronousEventBus` that ``bootstrap`` binds, so
    handlers run inside ``publish``; a random signing secret; argon2 hashing with its
    standard cost; Pillow for photos (imported when the first photo is processed); no
    transcoder (videos are refused; pass
    ``instagram_adapters.av.transcoder.PyAvVideoTranscoder()`` to accept them); the shipped
    engagement model (loaded at the first feed it ranks: the ``ml`` extra). To swap one
    port for another adapter, ``attrs.evolve`` the result.
    """
    clock = clock or SystemClock()
    secret = secret or secrets.token_bytes(SECRET_BYTES)
    blobs = InMemoryBlobStore(secret=secret, clock=clock, base_url=blob_base_url)
    graph = InMemorySocialGraph()
    multipart = InMemoryMultipartUploads(
        blobs=blobs, secret=secret, clock=clock, base_url=blob_base_url
    )
    return Ports(
        clock=clock,
        ids=SnowflakeIdGenerator(clock=clock, worker_id=1),
        events=events or SynchronousEventBus(),
        users=InMemoryUserStore(),
        graph=graph,
        restrictions=InMemoryRestrictions(graph),  # blocks live in the graph
        affinity=InMemoryAffinityStore(),
        posts=InMemoryPostStore(),
        media=InMemoryMediaStore(),
        engagement=InMemoryEngagementStore(),
        comments=InMemoryCommentStore(),
        stories=InMemoryStoryStore(clock),
        story_views=InMemoryStoryViewStore(),
        story_polls=InMemoryStoryPollStore(),
        highlights=InMemoryHighlightStore(),
        notifications=InMemoryNotificationStore(),
        devices=InMemoryDeviceStore(),
        notification_settings=InMemoryNotificationSettingsStore(),
        feeds=InMemoryFeedCache(),
        feed_snapshots=InMemoryFeedSnapshots(clock),
        change_versions=InMemoryChangeVersions(clock),
        story_trays=InMemoryStoryTrayCache(clock),
        search_index=InMemorySearchIndex(),
        trending=InMemoryTrendingTags(),
        explore=InMemoryExploreStore(),
        item_similarity=default_item_similarity(),
        limiter=InMemoryRateLimiter(clock),
        claims=InMemoryClaimStore(clock),
        ranker=ChronologicalRanker(),
        engagement_model=engagement_model or DeferredEngagementModel(),
        moderator=WordListModerator(),
        push=LoggingPushGateway(),
        hasher=hasher or Argon2PasswordHasher(),
        tokens=JwtTokenService(secret=secret, clock=clock),
        blobs=blobs,
        multipart=multipart,
        stale_uploads=multipart,
        processor=processor or DeferredMediaProcessor(),
        transcoder=transcoder,
    )

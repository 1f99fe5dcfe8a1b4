"""Composition root: adapters containers (one per profile) fill the slots of the core.

``EmbeddedAdapters`` runs everything in one process on a data directory: SQLite for the
stores, local disk for media, in-memory caches, an in-process event bus.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs
from dependency_injector import containers, providers

from instagram_adapters.argon2.hasher import Argon2PasswordHasher
from instagram_adapters.av.transcoder import PyAvVideoTranscoder
from instagram_adapters.jwt.tokens import JwtTokenService
from instagram_adapters.local_disk.blobs import LocalDiskBlobStore
from instagram_adapters.local_disk.multipart import LocalDiskMultipartUploads
from instagram_adapters.memory.affinity import InMemoryAffinityStore
from instagram_adapters.memory.blobs import InMemoryBlobStore
from instagram_adapters.memory.change_versions import InMemoryChangeVersions
from instagram_adapters.memory.claims import InMemoryClaimStore
from instagram_adapters.memory.clock import ManualClock, SystemClock
from instagram_adapters.memory.comments import InMemoryCommentStore
from instagram_adapters.memory.engagement import InMemoryEngagementStore
from instagram_adapters.memory.event_bus import SynchronousEventBus
from instagram_adapters.memory.feed_cache import InMemoryFeedCache
from instagram_adapters.memory.feed_snapshots import InMemoryFeedSnapshots
from instagram_adapters.memory.highlights import InMemoryHighlightStore
from instagram_adapters.memory.ids import SnowflakeIdGenerator
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
from instagram_adapters.memory.unit_of_work import PublishAfterWork
from instagram_adapters.memory.users import InMemoryUserStore
from instagram_adapters.pillow.processor import PillowMediaProcessor
from instagram_adapters.ranking.model import load_engagement_model
from instagram_adapters.sqlite.affinity import SqliteAffinityStore
from instagram_adapters.sqlite.comments import SqliteCommentStore
from instagram_adapters.sqlite.engagement import SqliteEngagementStore
from instagram_adapters.sqlite.highlights import SqliteHighlightStore
from instagram_adapters.sqlite.media import SqliteMediaStore
from instagram_adapters.sqlite.notifications import SqliteNotificationStore
from instagram_adapters.sqlite.posts import SqlitePostStore
from instagram_adapters.sqlite.push_devices import (
    SqliteDeviceStore,
    SqliteNotificationSettingsStore,
)
from instagram_adapters.sqlite.restrictions import SqliteRestrictions
from instagram_adapters.sqlite.search import SqliteSearchIndex
from instagram_adapters.sqlite.social_graph import SqliteSocialGraph
from instagram_adapters.sqlite.stories import SqliteStoryStore
from instagram_adapters.sqlite.story_polls import SqliteStoryPollStore
from instagram_adapters.sqlite.story_views import SqliteStoryViewStore
from instagram_adapters.sqlite.unit_of_work import SqliteUnitOfWork
from instagram_adapters.sqlite.users import SqliteUserStore
from instagram_core.policies.fanout import FanoutPolicy
from instagram_core.policies.visibility import AudienceGate
from instagram_core.services.accounts import AccountService
from instagram_core.services.cleanup import CleanupService
from instagram_core.services.closeness import Closeness
from instagram_core.services.comments import CommentService
from instagram_core.services.discovery import DiscoveryService
from instagram_core.services.engagement import EngagementService
from instagram_core.services.fanout import FanoutService
from instagram_core.services.feed import FeedService, FeedStores
from instagram_core.services.freshness import Freshness
from instagram_core.services.handlers import Workers, dead_letter_handlers, message_handlers
from instagram_core.services.highlights import HighlightService
from instagram_core.services.media import MediaService
from instagram_core.services.media_views import MediaViews
from instagram_core.services.notifications import NotificationService, NotificationStores
from instagram_core.services.posts import PostService, PostStores
from instagram_core.services.profiles import ProfileService
from instagram_core.services.publishing import MediaPipeline, PublishingService
from instagram_core.services.pulled_timelines import PulledTimelines
from instagram_core.services.push_devices import PushDevices
from instagram_core.services.ranking import ModelRanker
from instagram_core.services.search import SearchService
from instagram_core.services.social import SocialService
from instagram_core.services.stories import StoryService
from instagram_core.services.story_audience import StoryAudience
from instagram_core.services.story_views import StoryViews
from instagram_core.services.tracked_feed_cache import TrackedFeedCache
from instagram_core.services.upload_sweeper import UploadSweeper
from instagram_core.services.views import DOWNLOAD_URL_TTL, PostViews
from instagram_entrypoints.config import CHANGE_RETENTION_SECONDS, Settings, head_weights
from instagram_entrypoints.http.feed_pages import FeedPageCache
from instagram_entrypoints.push_wiring import open_push_gateway
from instagram_entrypoints.wiring import (
    DeadLetterRouter,
    LateBoundBus,
    default_moderator,
    open_database,
    open_media_processor,
    run_durable_bus,
    run_event_bus,
)


def _secret_bytes(secret: str) -> bytes:
    return secret.encode()


def _route_words() -> frozenset[str]:
    """The usernames the HTTP routes make unreachable, reserved for every process (the
    import is deferred: the HTTP layer imports this module)."""
    from instagram_entrypoints.http.routes import reserved_usernames

    return reserved_usernames()


class EmbeddedAdapters(containers.DeclarativeContainer):
    """Every port on an embedded engine; nothing to install."""

    config = providers.Configuration()

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(SnowflakeIdGenerator, clock=clock, worker_id=1)
    secret = providers.Callable(_secret_bytes, config.secret_key)
    database = providers.Resource(open_database, path=config.database_path)

    users = providers.Singleton(SqliteUserStore, database)
    graph = providers.Singleton(SqliteSocialGraph, database)
    restrictions = providers.Singleton(SqliteRestrictions, database)
    affinity = providers.Singleton(SqliteAffinityStore, database)
    posts = providers.Singleton(SqlitePostStore, database)
    media = providers.Singleton(SqliteMediaStore, database)
    engagement = providers.Singleton(SqliteEngagementStore, database)
    comments = providers.Singleton(SqliteCommentStore, database)
    stories = providers.Singleton(SqliteStoryStore, database, clock)
    story_views = providers.Singleton(SqliteStoryViewStore, database)
    story_polls = providers.Singleton(SqliteStoryPollStore, database)
    highlights = providers.Singleton(SqliteHighlightStore, database)
    notifications = providers.Singleton(SqliteNotificationStore, database)
    devices = providers.Singleton(SqliteDeviceStore, database)
    notification_settings = providers.Singleton(SqliteNotificationSettingsStore, database)

    feeds = providers.Singleton(
        InMemoryFeedCache, clock=clock, idle_ttl_seconds=config.feed_idle_seconds
    )
    feed_snapshots = providers.Singleton(InMemoryFeedSnapshots, clock)
    change_versions = providers.Singleton(
        InMemoryChangeVersions, clock, retention_seconds=config.change_retention_seconds
    )
    story_trays = providers.Singleton(InMemoryStoryTrayCache, clock)
    search_index = providers.Singleton(SqliteSearchIndex, database)
    limiter = providers.Singleton(InMemoryRateLimiter, clock)
    claims = providers.Singleton(InMemoryClaimStore, clock)
    ranker = providers.Singleton(ChronologicalRanker)
    engagement_model = providers.Singleton(
        load_engagement_model, providers.Callable(head_weights, config.rank_weights)
    )
    moderator = providers.Singleton(default_moderator, config.moderation_threshold)
    push = providers.Resource(
        open_push_gateway,
        clock,
        config.push_timeout_seconds,
        config.fcm_project_id,
        config.fcm_service_account_file,
        config.apns_key_file,
        config.apns_key_id,
        config.apns_team_id,
        config.apns_topic,
        config.apns_sandbox,
    )
    trending = providers.Singleton(InMemoryTrendingTags)
    hasher = providers.Singleton(Argon2PasswordHasher)
    tokens = providers.Singleton(
        JwtTokenService, secret=secret, clock=clock, ttl_seconds=config.token_ttl_seconds
    )
    blobs = providers.Singleton(
        LocalDiskBlobStore,
        root=config.blob_root,
        secret=secret,
        clock=clock,
        base_url=config.blob_base_url,
    )
    multipart = providers.Singleton(
        LocalDiskMultipartUploads,
        blobs=blobs,
        secret=secret,
        clock=clock,
        base_url=config.blob_base_url,
    )
    stale_uploads = multipart  # it also lists what abandoned uploads left in staging
    processor = providers.Resource(
        open_media_processor, config.max_image_pixels, config.media_workers
    )
    transcoder = providers.Singleton(
        PyAvVideoTranscoder, max_duration_seconds=config.max_video_seconds
    )


class MemoryAdapters(containers.DeclarativeContainer):
    """Every port in memory, on a manual clock: the unit tests' world, fast and exact."""

    config = providers.Configuration()

    clock = providers.Singleton(ManualClock, config.start)
    ids = providers.Singleton(SnowflakeIdGenerator, clock=clock, worker_id=1)
    secret = providers.Callable(_secret_bytes, config.secret_key)

    users = providers.Singleton(InMemoryUserStore)
    graph = providers.Singleton(InMemorySocialGraph)
    restrictions = providers.Singleton(InMemoryRestrictions, graph)  # blocks live in the graph
    affinity = providers.Singleton(InMemoryAffinityStore)
    posts = providers.Singleton(InMemoryPostStore)
    media = providers.Singleton(InMemoryMediaStore)
    engagement = providers.Singleton(InMemoryEngagementStore)
    comments = providers.Singleton(InMemoryCommentStore)
    stories = providers.Singleton(InMemoryStoryStore, clock)
    story_views = providers.Singleton(InMemoryStoryViewStore)
    story_polls = providers.Singleton(InMemoryStoryPollStore)
    highlights = providers.Singleton(InMemoryHighlightStore)
    notifications = providers.Singleton(InMemoryNotificationStore)
    devices = providers.Singleton(InMemoryDeviceStore)
    notification_settings = providers.Singleton(InMemoryNotificationSettingsStore)

    feeds = providers.Singleton(
        InMemoryFeedCache, clock=clock, idle_ttl_seconds=config.feed_idle_seconds
    )
    feed_snapshots = providers.Singleton(InMemoryFeedSnapshots, clock)
    change_versions = providers.Singleton(
        InMemoryChangeVersions, clock, retention_seconds=config.change_retention_seconds
    )
    story_trays = providers.Singleton(InMemoryStoryTrayCache, clock)
    search_index = providers.Singleton(InMemorySearchIndex)
    limiter = providers.Singleton(InMemoryRateLimiter, clock)
    claims = providers.Singleton(InMemoryClaimStore, clock)
    ranker = providers.Singleton(ChronologicalRanker)
    engagement_model = providers.Singleton(
        load_engagement_model, providers.Callable(head_weights, config.rank_weights)
    )
    moderator = providers.Singleton(WordListModerator)
    push = providers.Singleton(LoggingPushGateway)
    trending = providers.Singleton(InMemoryTrendingTags)
    hasher = providers.Singleton(Argon2PasswordHasher.fast_for_tests)
    tokens = providers.Singleton(
        JwtTokenService, secret=secret, clock=clock, ttl_seconds=config.token_ttl_seconds
    )
    blobs = providers.Singleton(
        InMemoryBlobStore, secret=secret, clock=clock, base_url=config.blob_base_url
    )
    multipart = providers.Singleton(
        InMemoryMultipartUploads,
        blobs=blobs,
        secret=secret,
        clock=clock,
        base_url=config.blob_base_url,
    )
    stale_uploads = multipart
    processor = providers.Singleton(PillowMediaProcessor, max_pixels=config.max_image_pixels)
    transcoder = providers.Singleton(
        PyAvVideoTranscoder, max_duration_seconds=config.max_video_seconds
    )


class Core(containers.DeclarativeContainer):
    """Use cases over whatever adapters fill the slots."""

    config = providers.Configuration()
    adapters = providers.DependenciesContainer()

    # What services publish to; bound below the class to ``running_bus``, whose handlers are
    # the very services that publish.
    bus = providers.Singleton(LateBoundBus)
    # Writes and the messages announcing them (see instagram_core.ports.units). Where the
    # stores share no transaction with the bus, the messages are published after the write.
    unit = providers.Singleton(PublishAfterWork, bus)

    freshness = providers.Singleton(Freshness, adapters.change_versions)
    # Every feed write goes through this wrapper, which marks the feed changed.
    feeds = providers.Singleton(TrackedFeedCache, adapters.feeds, freshness)
    gate = providers.Singleton(AudienceGate, adapters.graph, adapters.restrictions)
    media_views = providers.Singleton(
        MediaViews,
        media=adapters.media,
        blobs=adapters.blobs,
        clock=adapters.clock,
        url_ttl=DOWNLOAD_URL_TTL,
    )
    views = providers.Singleton(
        PostViews,
        users=adapters.users,
        media_views=media_views,
        engagement=adapters.engagement,
        comments=adapters.comments,
    )
    accounts = providers.Singleton(
        AccountService,
        users=adapters.users,
        graph=adapters.graph,
        hasher=adapters.hasher,
        tokens=adapters.tokens,
        limiter=adapters.limiter,
        ids=adapters.ids,
        clock=adapters.clock,
        freshness=freshness,
        unit=unit,
        reserved_usernames=providers.Callable(_route_words),
    )
    social = providers.Singleton(
        SocialService,
        adapters.users,
        adapters.graph,
        adapters.restrictions,
        gate,
        adapters.clock,
        freshness,
        unit,
    )
    profiles = providers.Singleton(
        ProfileService,
        adapters.users,
        adapters.graph,
        adapters.posts,
        gate,
        views,
        bus,
        adapters.ids,
    )
    media = providers.Singleton(
        MediaService,
        media=adapters.media,
        blobs=adapters.blobs,
        processor=adapters.processor,
        limiter=adapters.limiter,
        ids=adapters.ids,
        clock=adapters.clock,
        max_upload_bytes=config.max_upload_bytes,
        multipart=adapters.multipart,
        transcoder=adapters.transcoder,
    )
    post_stores = providers.Singleton(
        PostStores,
        posts=adapters.posts,
        media=adapters.media,
        users=adapters.users,
    )
    posts = providers.Singleton(
        PostService,
        stores=post_stores,
        media_service=media,
        moderator=adapters.moderator,
        gate=gate,
        views=views,
        limiter=adapters.limiter,
        ids=adapters.ids,
        clock=adapters.clock,
        bus=bus,
        freshness=freshness,
    )
    engagement = providers.Singleton(
        EngagementService,
        adapters.posts,
        adapters.users,
        adapters.engagement,
        gate,
        bus,
        freshness,
    )
    comments = providers.Singleton(
        CommentService,
        engagement=engagement,
        gate=gate,
        comments=adapters.comments,
        users=adapters.users,
        moderator=adapters.moderator,
        limiter=adapters.limiter,
        ids=adapters.ids,
        clock=adapters.clock,
        bus=bus,
        freshness=freshness,
    )
    feed_stores = providers.Singleton(
        FeedStores,
        feeds=feeds,
        snapshots=adapters.feed_snapshots,
        graph=adapters.graph,
        restrictions=adapters.restrictions,
        posts=adapters.posts,
    )
    fanout_policy = providers.Singleton(
        FanoutPolicy,
        celebrity_threshold=config.fanout_celebrity_threshold,
        chunk_size=config.fanout_chunk,
    )
    model_ranker = providers.Singleton(
        ModelRanker,
        posts=adapters.posts,
        media=adapters.media,
        engagement=adapters.engagement,
        comments=adapters.comments,
        graph=adapters.graph,
        affinity=adapters.affinity,
        model=adapters.engagement_model,
        clock=adapters.clock,
    )
    ranker = providers.Selector(config.ranker, model=model_ranker, chronological=adapters.ranker)
    feed = providers.Singleton(
        FeedService,
        feed_stores,
        ranker,
        views,
        adapters.ids,
        bus,
        freshness,
        fanout_policy,
        providers.Singleton(PulledTimelines, adapters.posts, adapters.clock),
    )
    notification_stores = providers.Singleton(
        NotificationStores,
        notifications=adapters.notifications,
        devices=adapters.devices,
        settings=adapters.notification_settings,
        users=adapters.users,
        posts=adapters.posts,
        claims=adapters.claims,
    )
    notifications = providers.Singleton(
        NotificationService,
        notification_stores,
        adapters.ids,
        adapters.clock,
        adapters.limiter,
        adapters.push,
        gate,
        bus,
    )
    push_devices = providers.Singleton(PushDevices, adapters.devices, adapters.ids, adapters.clock)
    search = providers.Singleton(
        SearchService,
        adapters.search_index,
        adapters.users,
        adapters.posts,
        adapters.graph,
        adapters.affinity,
        adapters.trending,
        adapters.clock,
        gate,
    )
    discovery = providers.Singleton(
        DiscoveryService,
        search=search,
        index=adapters.search_index,
        posts=adapters.posts,
        users=adapters.users,
        engagement=adapters.engagement,
        comments=adapters.comments,
        views=views,
        gate=gate,
    )
    pipeline = providers.Singleton(
        MediaPipeline,
        adapters.media,
        adapters.blobs,
        adapters.processor,
        adapters.moderator,
        adapters.transcoder,
    )
    publishing = providers.Singleton(
        PublishingService,
        adapters.posts,
        adapters.media,
        pipeline,
        adapters.clock,
        bus,
        freshness,
    )
    fanout = providers.Singleton(
        FanoutService, feeds, adapters.graph, adapters.posts, bus, fanout_policy
    )
    cleanup = providers.Singleton(
        CleanupService, adapters.engagement, adapters.comments, adapters.media, adapters.blobs
    )
    upload_sweeper = providers.Singleton(
        UploadSweeper,
        clock=adapters.clock,
        media=adapters.media,
        blobs=adapters.blobs,
        uploads=adapters.stale_uploads,
        multipart=adapters.multipart,
        max_age=config.abandoned_upload_age,
        interval=config.upload_sweep_interval,
    )
    closeness = providers.Singleton(Closeness, adapters.affinity, adapters.clock)
    story_views = providers.Singleton(
        StoryViews, adapters.media, adapters.blobs, adapters.story_views, adapters.story_polls
    )
    story_audience = providers.Singleton(
        StoryAudience,
        stories=adapters.stories,
        views=adapters.story_views,
        polls=adapters.story_polls,
        users=adapters.users,
        gate=gate,
        clock=adapters.clock,
        bus=bus,
    )
    highlights = providers.Singleton(
        HighlightService,
        highlights=adapters.highlights,
        stories=adapters.stories,
        views=story_views,
        users=adapters.users,
        gate=gate,
        ids=adapters.ids,
        clock=adapters.clock,
    )
    stories = providers.Singleton(
        StoryService,
        stories=adapters.stories,
        media_service=media,
        media=adapters.media,
        views=story_views,
        pipeline=pipeline,
        graph=adapters.graph,
        gate=gate,
        restrictions=adapters.restrictions,
        closeness=closeness,
        users=adapters.users,
        trays=adapters.story_trays,
        ids=adapters.ids,
        clock=adapters.clock,
        bus=bus,
        lifetime=providers.Callable(timedelta, seconds=config.story_lifetime_seconds),
    )
    workers = providers.Singleton(
        Workers,
        publishing=publishing,
        fanout=fanout,
        notifications=notifications,
        search=search,
        cleanup=cleanup,
        stories=stories,
        ranking=model_ranker,
        closeness=closeness,
    )
    handlers = providers.Singleton(message_handlers, workers)
    give_up = providers.Singleton(
        DeadLetterRouter, providers.Singleton(dead_letter_handlers, workers)
    )
    running_bus = providers.Resource(
        run_event_bus, handlers=handlers, workers=config.workers, on_dead_letter=give_up
    )


Core.bus.add_args(providers.Delegate(Core.running_bus))


class Application(containers.DeclarativeContainer):
    """The whole process: pick the adapters of the configured profile, build the core."""

    config = providers.Configuration()
    adapters = providers.Container(EmbeddedAdapters, config=config)
    core = providers.Container(Core, config=config, adapters=adapters)
    feed_pages = providers.Singleton(
        FeedPageCache,
        ttl_seconds=config.feed_page_cache_seconds,
        max_bytes=config.feed_page_cache_bytes,
        check_on_loop=config.change_versions_in_memory,
    )


def settings_dict(settings: Settings) -> dict[str, object]:
    """The flat configuration the containers read."""
    return {
        **attrs.asdict(settings),
        "database_path": str(settings.database_path),
        "blob_root": settings.blob_root,
        "blob_base_url": f"{settings.base_url}/blobs",
        "feed_idle_seconds": settings.feed_inactive_days * 86_400,
        "change_retention_seconds": CHANGE_RETENTION_SECONDS,
        # The embedded profile keeps change versions in memory; production, in Redis.
        "change_versions_in_memory": settings.profile == "embedded",
        "feed_page_cache_bytes": settings.feed_page_cache_mb * 1024 * 1024,
        "abandoned_upload_age": timedelta(hours=settings.abandoned_upload_hours),
        # 0 turns the schedule off (instagram_entrypoints.schedule); the sweeper still needs one.
        "upload_sweep_interval": timedelta(seconds=settings.upload_sweep_seconds or 3600),
    }


def build_container(settings: Settings) -> Application:
    """The application for ``settings.profile``; the production adapters are imported only
    when asked for, so the embedded default needs none of their drivers."""
    container: Application
    if settings.profile == "production":
        from instagram_entrypoints.production import ProductionApplication

        container = ProductionApplication()
    else:
        container = Application()
    container.config.from_dict(settings_dict(settings))
    if settings.profile == "embedded":
        use_durable_bus(container)
    if settings.profile == "production" and settings.kafka_bootstrap_servers:
        from instagram_entrypoints.kafka_bus import use_kafka_bus

        use_kafka_bus(container, settings)
    return container


def use_durable_bus(container: Application) -> None:
    """The embedded profile's bus keeps its queue in the SQLite file, and a write and the
    jobs of its messages commit together (see ``instagram_adapters.sqlite.event_bus``)."""
    core = container.core
    bus = providers.Resource(
        run_durable_bus,
        container.adapters.database,
        handlers=core.handlers,
        workers=container.config.workers,
        on_dead_letter=core.give_up,
    )
    core.running_bus.override(bus)
    core.unit.override(providers.Singleton(SqliteUnitOfWork, container.adapters.database, bus))


def memory_container(start: datetime, settings: Settings | None = None) -> Application:
    """Everything in memory, on a manual clock starting at ``start``, with an event bus that
    runs handlers inline: deterministic, for tests and experiments."""
    settings = settings or Settings(secret_key="test-secret-" + "x" * 32)
    container = Application()
    container.config.from_dict({**settings_dict(settings), "start": start})
    container.adapters.override(MemoryAdapters(config=container.config))
    container.core.running_bus.override(
        providers.Singleton(
            SynchronousEventBus, container.core.handlers, on_dead_letter=container.core.give_up
        )
    )
    return container

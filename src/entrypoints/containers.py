"""Composition root: adapters containers (one per profile) fill the ``Ports`` of the core.

Each profile copies the previous one and states only what differs: ``MemoryAdapters`` has
every port in memory, ``EmbeddedAdapters`` runs everything in one process on a data
directory (SQLite for the stores, local disk for media, in-memory caches), and
``ProductionAdapters`` (``instagram_entrypoints.production``) moves ports onto their engines.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import attrs
from dependency_injector import containers, providers

from instagram_adapters.argon2.hasher import Argon2PasswordHasher
from instagram_adapters.av.transcoder import PyAvVideoTranscoder
from instagram_adapters.jwt.tokens import JwtTokenService
from instagram_adapters.local_disk.blobs import LocalDiskBlobStore
from instagram_adapters.local_disk.multipart import LocalDiskMultipartUploads
from instagram_adapters.memory.affinity import InMemoryAffinityStore
from instagram_adapters.memory.best_effort import BestEffortRouter
from instagram_adapters.memory.blobs import InMemoryBlobStore
from instagram_adapters.memory.change_versions import InMemoryChangeVersions
from instagram_adapters.memory.claims import InMemoryClaimStore
from instagram_adapters.memory.clock import ManualClock, SystemClock
from instagram_adapters.memory.comments import InMemoryCommentStore
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
from instagram_adapters.pillow.processor import PillowMediaProcessor
from instagram_adapters.ranking.model import load_engagement_model
from instagram_adapters.sqlite.affinity import SqliteAffinityStore
from instagram_adapters.sqlite.comments import SqliteCommentStore
from instagram_adapters.sqlite.engagement import SqliteEngagementStore
from instagram_adapters.sqlite.explore import SqliteExploreStore
from instagram_adapters.sqlite.highlights import SqliteHighlightStore
from instagram_adapters.sqlite.intents import SqliteIntents
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
from instagram_core.bootstrap import Ports, bootstrap
from instagram_core.domain.events import BEST_EFFORT_MESSAGES
from instagram_core.ports import (
    AffinityStore,
    BlobStore,
    ChangeVersions,
    ClaimStore,
    Clock,
    CommentStore,
    DeviceStore,
    EngagementModel,
    EngagementStore,
    ExploreStore,
    FeedCache,
    FeedSnapshots,
    HighlightStore,
    IdGenerator,
    ItemSimilarity,
    MediaProcessor,
    Moderator,
    MultipartUploads,
    NotificationSettingsStore,
    NotificationStore,
    PasswordHasher,
    PostStore,
    PushGateway,
    Ranker,
    RateLimiter,
    Restrictions,
    SearchIndex,
    SocialGraph,
    StaleUploads,
    StoryPollStore,
    StoryStore,
    StoryTrayCache,
    StoryViewStore,
    TokenService,
    TrendingTags,
    UnclaimedMedia,
    UserStore,
    VideoTranscoder,
)
from instagram_core.ports.change_versions import CHANGE_RETENTION_SECONDS
from instagram_core.services.intents import PublishAfterWrite
from instagram_core.services.units import PublishAfterWork
from instagram_core.settings import Settings as CoreSettings
from instagram_entrypoints.config import Settings, head_weights
from instagram_entrypoints.http.feed_pages import FeedPageCache
from instagram_entrypoints.push_wiring import open_push_gateway
from instagram_entrypoints.wiring import (
    LateBoundBus,
    default_moderator,
    open_database,
    open_media_processor,
    run_best_effort_lane,
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


class MemoryAdapters(containers.DeclarativeContainer):
    """Every port in memory, on a manual clock: the unit tests' world, fast and exact.

    One provider per field of :class:`~instagram_core.ports.bundle.Ports`, named after it;
    the other profiles copy this container and state only what differs."""

    config = providers.Configuration(strict=True)

    # One clock provider for every profile, chosen by ``config.clock``: a copy must not
    # redefine it, because the providers a copy inherits keep referring to the redefined
    # provider as a second object (``containers.copy`` deep-copies the copy's own providers
    # after remapping the inherited ones onto the originals), and overriding the clock, as
    # tests do, would then miss them: tokens, rate limits and caches ran on the system clock
    # while the services ran on a test's manual one (tests/unit/test_container_providers.py).
    clock: providers.Provider[Clock] = providers.Selector(
        config.clock,
        manual=providers.Singleton(ManualClock, config.start),
        system=providers.Singleton(SystemClock),
    )
    ids: providers.Provider[IdGenerator] = providers.Singleton(
        SnowflakeIdGenerator, clock=clock, worker_id=1
    )
    secret = providers.Callable(_secret_bytes, config.secret_key)

    users: providers.Provider[UserStore] = providers.Singleton(InMemoryUserStore)
    graph: providers.Provider[SocialGraph] = providers.Singleton(InMemorySocialGraph)
    # Blocks live in the graph.
    restrictions: providers.Provider[Restrictions] = providers.Singleton(
        InMemoryRestrictions, graph
    )
    affinity: providers.Provider[AffinityStore] = providers.Singleton(InMemoryAffinityStore)
    posts: providers.Provider[PostStore] = providers.Singleton(InMemoryPostStore)
    media: providers.Provider[UnclaimedMedia] = providers.Singleton(InMemoryMediaStore)
    engagement: providers.Provider[EngagementStore] = providers.Singleton(InMemoryEngagementStore)
    comments: providers.Provider[CommentStore] = providers.Singleton(InMemoryCommentStore)
    stories: providers.Provider[StoryStore] = providers.Singleton(InMemoryStoryStore, clock)
    story_views: providers.Provider[StoryViewStore] = providers.Singleton(InMemoryStoryViewStore)
    story_polls: providers.Provider[StoryPollStore] = providers.Singleton(InMemoryStoryPollStore)
    highlights: providers.Provider[HighlightStore] = providers.Singleton(InMemoryHighlightStore)
    notifications: providers.Provider[NotificationStore] = providers.Singleton(
        InMemoryNotificationStore
    )
    devices: providers.Provider[DeviceStore] = providers.Singleton(InMemoryDeviceStore)
    notification_settings: providers.Provider[NotificationSettingsStore] = providers.Singleton(
        InMemoryNotificationSettingsStore
    )
    feeds: providers.Provider[FeedCache] = providers.Singleton(
        InMemoryFeedCache, clock=clock, idle_ttl_seconds=config.feed_idle_seconds
    )
    feed_snapshots: providers.Provider[FeedSnapshots] = providers.Singleton(
        InMemoryFeedSnapshots, clock
    )
    change_versions: providers.Provider[ChangeVersions] = providers.Singleton(
        InMemoryChangeVersions, clock, retention_seconds=config.change_retention_seconds
    )
    story_trays: providers.Provider[StoryTrayCache] = providers.Singleton(
        InMemoryStoryTrayCache, clock
    )
    search_index: providers.Provider[SearchIndex] = providers.Singleton(InMemorySearchIndex)
    trending: providers.Provider[TrendingTags] = providers.Singleton(InMemoryTrendingTags)
    explore: providers.Provider[ExploreStore] = providers.Singleton(InMemoryExploreStore)
    item_similarity: providers.Provider[ItemSimilarity] = providers.Singleton(
        default_item_similarity
    )
    limiter: providers.Provider[RateLimiter] = providers.Singleton(InMemoryRateLimiter, clock)
    claims: providers.Provider[ClaimStore] = providers.Singleton(InMemoryClaimStore, clock)
    ranker: providers.Provider[Ranker] = providers.Singleton(ChronologicalRanker)
    engagement_model: providers.Provider[EngagementModel] = providers.Singleton(
        load_engagement_model, providers.Callable(head_weights, config.rank_weights)
    )
    moderator: providers.Provider[Moderator] = providers.Singleton(WordListModerator)
    push: providers.Provider[PushGateway] = providers.Singleton(LoggingPushGateway)
    hasher: providers.Provider[PasswordHasher] = providers.Singleton(
        Argon2PasswordHasher.fast_for_tests
    )
    tokens: providers.Provider[TokenService] = providers.Singleton(
        JwtTokenService, secret=secret, clock=clock, ttl_seconds=config.token_ttl_seconds
    )
    blobs: providers.Provider[BlobStore] = providers.Singleton(
        InMemoryBlobStore, secret=secret, clock=clock, base_url=config.blob_base_url
    )
    multipart: providers.Provider[MultipartUploads] = providers.Singleton(
        InMemoryMultipartUploads,
        blobs=blobs,
        secret=secret,
        clock=clock,
        base_url=config.blob_base_url,
    )
    # The upload store also lists what abandoned uploads left in staging.
    stale_uploads: providers.Provider[StaleUploads] = multipart  # type: ignore[assignment]
    processor: providers.Provider[MediaProcessor] = providers.Singleton(
        PillowMediaProcessor, max_pixels=config.max_image_pixels
    )
    transcoder: providers.Provider[VideoTranscoder] = providers.Singleton(
        PyAvVideoTranscoder, max_duration_seconds=config.max_video_seconds
    )


@containers.copy(MemoryAdapters)
class EmbeddedAdapters(MemoryAdapters):
    """The default profile: durable stores in one SQLite file, media on local disk, real
    moderation and hashing; caches, rate limits and the rest stay in memory. Nothing to
    install; the system clock (``config.clock``, see ``MemoryAdapters.clock``). Read a
    setting as ``MemoryAdapters.config.<name>`` and another provider as
    ``MemoryAdapters.<name>``: the copy maps both onto this container's own."""

    database = providers.Resource(open_database, path=MemoryAdapters.config.database_path)

    users = providers.Singleton(SqliteUserStore, database)
    graph = providers.Singleton(SqliteSocialGraph, database)
    restrictions = providers.Singleton(SqliteRestrictions, database)
    affinity = providers.Singleton(SqliteAffinityStore, database)
    posts = providers.Singleton(SqlitePostStore, database)
    media = providers.Singleton(SqliteMediaStore, database)
    engagement = providers.Singleton(SqliteEngagementStore, database)
    comments = providers.Singleton(SqliteCommentStore, database)
    stories = providers.Singleton(SqliteStoryStore, database, MemoryAdapters.clock)
    story_views = providers.Singleton(SqliteStoryViewStore, database)
    story_polls = providers.Singleton(SqliteStoryPollStore, database)
    highlights = providers.Singleton(SqliteHighlightStore, database)
    notifications = providers.Singleton(SqliteNotificationStore, database)
    devices = providers.Singleton(SqliteDeviceStore, database)
    notification_settings = providers.Singleton(SqliteNotificationSettingsStore, database)
    search_index = providers.Singleton(SqliteSearchIndex, database)
    explore = providers.Singleton(SqliteExploreStore, database)
    moderator = providers.Singleton(default_moderator, MemoryAdapters.config.moderation_threshold)
    hasher = providers.Singleton(Argon2PasswordHasher)
    # A signed webhook always; FCM and APNs where configured, else logged.
    push = providers.Resource(
        open_push_gateway,
        MemoryAdapters.clock,
        MemoryAdapters.config.push_timeout_seconds,
        MemoryAdapters.config.fcm_project_id,
        MemoryAdapters.config.fcm_service_account_file,
        MemoryAdapters.config.apns_key_file,
        MemoryAdapters.config.apns_key_id,
        MemoryAdapters.config.apns_team_id,
        MemoryAdapters.config.apns_topic,
        MemoryAdapters.config.apns_sandbox,
        MemoryAdapters.config.private_webhooks,
    )
    blobs: providers.Provider[BlobStore] = providers.Singleton(
        LocalDiskBlobStore,
        root=MemoryAdapters.config.blob_root,
        secret=MemoryAdapters.secret,
        clock=MemoryAdapters.clock,
        base_url=MemoryAdapters.config.blob_base_url,
    )
    multipart = providers.Singleton(
        LocalDiskMultipartUploads,
        blobs=blobs,
        secret=MemoryAdapters.secret,
        clock=MemoryAdapters.clock,
        base_url=MemoryAdapters.config.blob_base_url,
    )
    # The copy types ``multipart`` by the port; the local-disk store also lists its staging
    # (tests/contract/test_stale_uploads.py).
    stale_uploads = multipart  # type: ignore[assignment]
    processor = providers.Resource(
        open_media_processor,
        MemoryAdapters.config.max_image_pixels,
        MemoryAdapters.config.media_workers,
    )


# The fields the core container fills itself: the bus, and the unit of work and intents
# over it.
PROCESS_FIELDS = frozenset({"events", "unit", "intents"})


def _ports(
    adapters: providers.DependenciesContainer,
    bus: providers.Provider[Any],
    unit: providers.Provider[Any],
    intents: providers.Provider[Any],
) -> providers.Singleton[Ports]:
    """``Ports`` from the bus, the unit of work, the intents and the adapters container's
    provider of each other field."""
    fields = {
        f.name: getattr(adapters, f.name)
        for f in attrs.fields(Ports)
        if f.name not in PROCESS_FIELDS
    }
    return providers.Singleton(Ports, events=bus, unit=unit, intents=intents, **fields)


class Core(containers.DeclarativeContainer):
    """The core's use cases, built by :func:`~instagram_core.bootstrap.bootstrap` over the
    ports the adapters container provides; each use case keeps its provider here."""

    config = providers.Configuration(strict=True)
    adapters = providers.DependenciesContainer()

    # What services publish to; bound below the class to ``running_bus``, whose handlers are
    # the very services that publish.
    bus = providers.Singleton(LateBoundBus)
    # Writes and the messages announcing them (see instagram_core.ports.units). Where the
    # stores share no transaction with the bus, the messages are published after the write;
    # the embedded profile (use_durable_bus) and Kafka (use_kafka_bus) override it.
    unit = providers.Singleton(PublishAfterWork, bus)
    # Messages of writes outside that transaction (Cassandra, Redis): see
    # instagram_core.ports.intents; overridden as ``unit`` is.
    intents = providers.Singleton(PublishAfterWrite, bus)
    ports = _ports(adapters, bus, unit, intents)
    settings = providers.Singleton(
        CoreSettings,
        max_upload_bytes=config.max_upload_bytes,
        fanout_celebrity_threshold=config.fanout_celebrity_threshold,
        fanout_chunk_size=config.fanout_chunk,
        ranker=config.ranker,
        story_lifetime=providers.Callable(timedelta, seconds=config.story_lifetime_seconds),
        abandoned_upload_age=config.abandoned_upload_age,
        upload_sweep_interval=config.upload_sweep_interval,
        explore_build_interval=config.explore_build_interval,
        reserved_usernames=providers.Callable(_route_words),
        private_webhooks=config.private_webhooks,
    )
    use_cases = providers.Singleton(bootstrap, ports, settings)

    accounts = use_cases.provided.accounts
    social = use_cases.provided.social
    profiles = use_cases.provided.profiles
    media = use_cases.provided.media
    posts = use_cases.provided.posts
    engagement = use_cases.provided.engagement
    comments = use_cases.provided.comments
    feed = use_cases.provided.feed
    notifications = use_cases.provided.notifications
    push_devices = use_cases.provided.push_devices
    search = use_cases.provided.search
    discovery = use_cases.provided.discovery
    explore = use_cases.provided.explore
    explore_builder = use_cases.provided.explore_builder
    stories = use_cases.provided.stories
    story_views = use_cases.provided.story_views
    story_audience = use_cases.provided.story_audience
    highlights = use_cases.provided.highlights
    closeness = use_cases.provided.closeness
    publishing = use_cases.provided.publishing
    fanout = use_cases.provided.fanout
    cleanup = use_cases.provided.cleanup
    upload_sweeper = use_cases.provided.upload_sweeper
    model_ranker = use_cases.provided.model_ranker
    views = use_cases.provided.views
    freshness = use_cases.provided.freshness
    feeds = use_cases.provided.feeds
    gate = use_cases.provided.gate
    workers = use_cases.provided.workers
    handlers = use_cases.provided.handlers
    give_up = use_cases.provided.give_up
    intent_sweep = use_cases.provided.intent_sweep

    running_bus = providers.Resource(
        run_event_bus, handlers=handlers, workers=config.workers, on_dead_letter=give_up
    )
    # The lane for best-effort hints, where a profile has one (use_durable_bus).
    hint_lane: providers.Provider[Any] = providers.Object(None)


Core.bus.add_args(providers.Delegate(Core.running_bus))


class Application(containers.DeclarativeContainer):
    """The whole process: pick the adapters of the configured profile, build the core."""

    config = providers.Configuration(strict=True)
    adapters = providers.Container(EmbeddedAdapters, config=config)
    core = providers.Container(Core, config=config, adapters=adapters)
    feed_pages = providers.Singleton(
        FeedPageCache,
        ttl_seconds=config.feed_page_cache_seconds,
        max_bytes=config.feed_page_cache_bytes,
        check_on_loop=config.change_versions_in_memory,
    )


class MemoryApplication(Application):
    """The whole process on the in-memory adapters (see :func:`memory_container`)."""

    # The stubs type a Container by its class, hence the ignore.
    adapters = providers.Container(MemoryAdapters, config=Application.config)  # type: ignore[arg-type]
    core = providers.Container(Core, config=Application.config, adapters=adapters)


def settings_dict(settings: Settings) -> dict[str, object]:
    """The flat configuration the containers read."""
    return {
        **attrs.asdict(settings),
        "database_path": str(settings.database_path),
        "blob_root": settings.blob_root,
        "blob_base_url": f"{settings.base_url}/blobs",
        "feed_idle_seconds": settings.feed_inactive_days * 86_400,
        "change_retention_seconds": CHANGE_RETENTION_SECONDS,
        "clock": "system",  # memory_container: "manual"
        # The embedded profile keeps change versions in memory; production, in Redis.
        "change_versions_in_memory": settings.profile == "embedded",
        "feed_page_cache_bytes": settings.feed_page_cache_mb * 1024 * 1024,
        "abandoned_upload_age": timedelta(hours=settings.abandoned_upload_hours),
        # 0 turns the schedule off (instagram_entrypoints.schedule); the sweeper still needs one.
        "upload_sweep_interval": (
            timedelta(seconds=settings.upload_sweep_seconds)
            if settings.upload_sweep_seconds
            else CoreSettings().upload_sweep_interval
        ),
        # 0 turns the schedule off; the builder still needs an interval for build_if_due.
        "explore_build_interval": (
            timedelta(seconds=settings.explore_build_seconds)
            if settings.explore_build_seconds
            else CoreSettings().explore_build_interval
        ),
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
    # Hints (a page shown) skip the durable queue: batched in memory, one transaction per
    # batch, off the request thread. Everything else goes to the durable bus as before.
    route_hints(
        container,
        providers.Resource(run_best_effort_lane, container.adapters.database, core.handlers),
    )
    # Through the late-bound bus: the durable bus needs the handlers, which are the use
    # cases, which take this unit; publishing through ``core.bus`` reaches the same bus.
    core.unit.override(providers.Singleton(SqliteUnitOfWork, container.adapters.database, core.bus))
    core.intents.override(providers.Singleton(SqliteIntents, container.adapters.database, core.bus))


def route_hints(container: Application, lane: providers.Provider[Any]) -> None:
    """Publish ``BEST_EFFORT_MESSAGES`` to ``lane`` (a running ``BestEffortLane``) and every
    other message to ``core.running_bus``, which keeps its guarantees."""
    core = container.core
    core.hint_lane.override(lane)
    core.bus.override(
        providers.Singleton(
            BestEffortRouter,
            providers.Singleton(LateBoundBus, providers.Delegate(core.running_bus)),
            # Late too: the lane's handlers may be the services that publish to this router.
            providers.Singleton(LateBoundBus, providers.Delegate(core.hint_lane)),
            BEST_EFFORT_MESSAGES,
        )
    )


def memory_container(start: datetime, settings: Settings | None = None) -> Application:
    """Everything in memory, on a manual clock starting at ``start``, with an event bus that
    runs handlers inline: deterministic, for tests and experiments."""
    settings = settings or Settings(secret_key="test-secret-" + "x" * 32)
    container = MemoryApplication()
    container.config.from_dict({**settings_dict(settings), "start": start, "clock": "manual"})
    container.core.running_bus.override(
        providers.Singleton(
            SynchronousEventBus, container.core.handlers, on_dead_letter=container.core.give_up
        )
    )
    return container

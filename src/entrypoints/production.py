"""The production profile's adapters: the engines the seed places each store on.

Redis holds feeds, story trays, likes and saves, rate limits and feed snapshots; MySQL or
MariaDB users, the social graph and the blocks and mutes beside it (one transaction for a
block and the follows it ends); Cassandra posts and author grids, media records, comments,
stories, notifications and affinity; S3 the media. The rest still runs on the embedded
adapters until its engine's adapter lands: the event bus where Kafka is not configured.
Elasticsearch holds the search index.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import redis
from dependency_injector import containers, providers
from elasticsearch import Elasticsearch

from instagram_adapters.cassandra.affinity import CassandraAffinityStore
from instagram_adapters.cassandra.comments import CassandraCommentStore
from instagram_adapters.cassandra.highlights import CassandraHighlightStore
from instagram_adapters.cassandra.media import CassandraMediaStore
from instagram_adapters.cassandra.migrate import apply_migrations as apply_cassandra_migrations
from instagram_adapters.cassandra.notifications import CassandraNotificationStore
from instagram_adapters.cassandra.posts import CassandraPostStore
from instagram_adapters.cassandra.session import CassandraSession
from instagram_adapters.cassandra.settings import CassandraSettings
from instagram_adapters.cassandra.stories import CassandraStoryStore
from instagram_adapters.cassandra.story_polls import CassandraStoryPollStore
from instagram_adapters.cassandra.story_views import CassandraStoryViewStore
from instagram_adapters.elasticsearch.search import (
    ElasticsearchSearchIndex,
    alias_names,
    ensure_indexes,
)
from instagram_adapters.memory.ids import SnowflakeIdGenerator
from instagram_adapters.mysql.migrate import apply_migrations
from instagram_adapters.mysql.pool import MySqlPool
from instagram_adapters.mysql.push_devices import (
    MySqlDeviceStore,
    MySqlNotificationSettingsStore,
)
from instagram_adapters.mysql.restrictions import MySqlRestrictions
from instagram_adapters.mysql.social_graph import MySqlSocialGraph
from instagram_adapters.mysql.users import MySqlUserStore
from instagram_adapters.redis.change_versions import RedisChangeVersions
from instagram_adapters.redis.claims import RedisClaimStore
from instagram_adapters.redis.client import redis_client
from instagram_adapters.redis.engagement import RedisEngagementStore
from instagram_adapters.redis.explore import RedisExploreStore
from instagram_adapters.redis.feed_cache import RedisFeedCache
from instagram_adapters.redis.feed_snapshots import RedisFeedSnapshots
from instagram_adapters.redis.rate_limiter import RedisRateLimiter
from instagram_adapters.redis.story_trays import RedisStoryTrayCache
from instagram_adapters.redis.trending import RedisTrendingTags
from instagram_adapters.redis.worker_ids import claim_worker_id
from instagram_adapters.s3.blobs import S3BlobStore
from instagram_adapters.s3.multipart import S3MultipartUploads
from instagram_core.ports import SearchIndex
from instagram_entrypoints.containers import Application, Core, EmbeddedAdapters


def open_redis(url: str) -> Iterator[redis.Redis]:
    client = redis_client(url)
    try:
        yield client
    finally:
        client.close()


def open_mysql(url: str, size: int) -> Iterator[MySqlPool]:
    """The pool, with the schema migrated first (idempotent, and safe when several
    processes start at once: migrations take a server-side lock)."""
    pool = MySqlPool.from_url(url, size=size)
    try:
        apply_migrations(pool)
        yield pool
    finally:
        pool.close()


def open_cassandra(
    contact_points: str,
    port: int,
    keyspace: str,
    local_dc: str,
    replication: str,
    timeout_seconds: float,
) -> Iterator[CassandraSession]:
    """The session, with the keyspace created and migrated first (idempotent; concurrent
    starts wait on a lease, see :mod:`instagram_adapters.cassandra.migrate`)."""
    settings = CassandraSettings.from_config(
        contact_points, port, keyspace, local_dc, replication, timeout_seconds
    )
    apply_cassandra_migrations(settings)
    session = CassandraSession.connect(settings, settings.keyspace)
    try:
        yield session
    finally:
        session.close()


def open_s3(
    endpoint_url: str,
    region: str,
    bucket: str,
    access_key: str,
    secret_key: str,
    abandoned_upload_hours: float,
) -> Iterator[S3BlobStore]:
    """The store, its bucket made and its lifecycle rules set: story media expire, and S3
    aborts multipart uploads the sweeper has missed (it counts whole days, at least one)."""
    store = S3BlobStore.from_settings(
        endpoint_url or None, region, bucket, access_key or None, secret_key or None
    )
    store.ensure_bucket()
    store.configure_story_lifecycle()
    store.configure_upload_lifecycle(days=max(1, math.ceil(abandoned_upload_hours / 24)))
    yield store


def open_elasticsearch(url: str, timeout_seconds: float) -> Iterator[Elasticsearch]:
    """The client; nothing is asked of the server here, so a search engine that is down
    at start-up makes only search answer 503 (``Unavailable``), not the whole process."""
    client = Elasticsearch([url], timeout=timeout_seconds, max_retries=1)
    try:
        yield client
    finally:
        client.close()


class _LazySearchIndex:
    """The Elasticsearch index behind its aliases, created on first use: the aliases are
    made by ``instagram migrate`` too, but a server that was down at start-up is retried
    on the next search instead of failing the process."""

    def __init__(self, client: Elasticsearch, prefix: str) -> None:
        self._client = client
        self._prefix = prefix
        self._ready = False
        users, posts = alias_names(prefix)
        self._index = ElasticsearchSearchIndex(client, users, posts)

    def __getattr__(self, name: str) -> Any:
        if not self._ready:
            ensure_indexes(self._client, self._prefix)
            self._ready = True
        return getattr(self._index, name)


def live_search_index(client: Elasticsearch, prefix: str) -> SearchIndex:
    index: SearchIndex = _LazySearchIndex(client, prefix)
    return index


# The embedded profile's settings: ``containers.copy`` maps every reference to them (and to
# any ``EmbeddedAdapters.<provider>``) onto the copy's own.
config = EmbeddedAdapters.config


@containers.copy(EmbeddedAdapters)
class ProductionAdapters(EmbeddedAdapters):
    """The embedded profile with each port whose engine has an adapter moved onto it: one
    provider per port, named after its :class:`~instagram_core.ports.bundle.Ports` field.
    Every port not named here stays embedded (SQLite in the data dir, in-process caches)
    until its engine's adapter lands: the models, moderation, push, hashing, tokens and
    media processing."""

    redis = providers.Resource(open_redis, config.redis_url)
    mysql = providers.Resource(open_mysql, config.mysql_url, config.mysql_pool_size)
    cassandra = providers.Resource(
        open_cassandra,
        config.cassandra_contact_points,
        config.cassandra_port,
        config.cassandra_keyspace,
        config.cassandra_local_dc,
        config.cassandra_replication,
        config.cassandra_timeout_seconds,
    )

    # Each process its own worker id, or two API processes mint the same post id.
    ids = providers.Singleton(
        SnowflakeIdGenerator,
        clock=EmbeddedAdapters.clock,
        worker_id=providers.Callable(claim_worker_id, redis),
    )
    users = providers.Singleton(MySqlUserStore, mysql)
    graph = providers.Singleton(MySqlSocialGraph, mysql)
    restrictions = providers.Singleton(MySqlRestrictions, mysql)
    devices = providers.Singleton(MySqlDeviceStore, mysql)
    notification_settings = providers.Singleton(MySqlNotificationSettingsStore, mysql)
    change_versions = providers.Singleton(
        RedisChangeVersions, redis, retention_seconds=config.change_retention_seconds
    )
    # Marks each feed it writes in ``change_versions`` within the write's own script call.
    feeds = providers.Singleton(
        RedisFeedCache, redis, idle_ttl_seconds=config.feed_idle_seconds, versions=change_versions
    )
    feed_snapshots = providers.Singleton(RedisFeedSnapshots, redis)
    story_trays = providers.Singleton(RedisStoryTrayCache, redis)
    engagement = providers.Singleton(RedisEngagementStore, redis)
    limiter = providers.Singleton(RedisRateLimiter, redis, EmbeddedAdapters.clock)
    claims = providers.Singleton(RedisClaimStore, redis, EmbeddedAdapters.clock)
    trending = providers.Singleton(RedisTrendingTags, redis)
    explore = providers.Singleton(RedisExploreStore, redis)
    blobs = providers.Resource(
        open_s3,
        config.s3_endpoint_url,
        config.s3_region,
        config.s3_bucket,
        config.s3_access_key_id,
        config.s3_secret_access_key,
        config.abandoned_upload_hours,
    )
    multipart = providers.Singleton(S3MultipartUploads, blobs)
    # S3 lists the multipart uploads never finished (the store is typed as its BlobStore).
    stale_uploads = blobs  # type: ignore[assignment]
    posts = providers.Singleton(CassandraPostStore, cassandra)
    media = providers.Singleton(CassandraMediaStore, cassandra)
    comments = providers.Singleton(CassandraCommentStore, cassandra)
    stories = providers.Singleton(CassandraStoryStore, cassandra, EmbeddedAdapters.clock)
    story_views = providers.Singleton(CassandraStoryViewStore, cassandra)
    story_polls = providers.Singleton(CassandraStoryPollStore, cassandra)
    highlights = providers.Singleton(CassandraHighlightStore, cassandra)
    notifications = providers.Singleton(CassandraNotificationStore, cassandra)
    affinity = providers.Singleton(CassandraAffinityStore, cassandra)

    elasticsearch = providers.Resource(
        open_elasticsearch, config.elasticsearch_url, config.elasticsearch_timeout_seconds
    )
    search_index = providers.Singleton(
        live_search_index, elasticsearch, config.elasticsearch_index_prefix
    )


class ProductionApplication(Application):
    """The whole process on the production profile's adapters."""

    adapters = providers.Container(ProductionAdapters, config=Application.config)
    core = providers.Container(Core, config=Application.config, adapters=adapters)

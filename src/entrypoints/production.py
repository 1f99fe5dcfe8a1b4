"""The production profile's adapters: the engines the seed places each store on.

Redis holds feeds, story trays, likes and saves, rate limits and feed snapshots; MySQL or
MariaDB users and the social graph; S3 the media. Everything else still runs on the embedded
adapters (SQLite in the data dir, the in-process event bus) until its engine's adapter lands:
posts, media records, comments, stories and notifications (Cassandra), search
(Elasticsearch), the event bus (Kafka).
"""

from __future__ import annotations

from collections.abc import Iterator

import redis
from dependency_injector import containers, providers

from instagram_adapters.mysql.migrate import apply_migrations
from instagram_adapters.mysql.pool import MySqlPool
from instagram_adapters.mysql.social_graph import MySqlSocialGraph
from instagram_adapters.mysql.users import MySqlUserStore
from instagram_adapters.redis.change_versions import RedisChangeVersions
from instagram_adapters.redis.client import redis_client
from instagram_adapters.redis.engagement import RedisEngagementStore
from instagram_adapters.redis.feed_cache import RedisFeedCache
from instagram_adapters.redis.feed_snapshots import RedisFeedSnapshots
from instagram_adapters.redis.rate_limiter import RedisRateLimiter
from instagram_adapters.redis.story_trays import RedisStoryTrayCache
from instagram_adapters.redis.trending import RedisTrendingTags
from instagram_adapters.s3.blobs import S3BlobStore
from instagram_adapters.s3.multipart import S3MultipartUploads
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


def open_s3(
    endpoint_url: str, region: str, bucket: str, access_key: str, secret_key: str
) -> Iterator[S3BlobStore]:
    store = S3BlobStore.from_settings(
        endpoint_url or None, region, bucket, access_key or None, secret_key or None
    )
    store.ensure_bucket()
    store.configure_story_lifecycle()
    yield store


class ProductionAdapters(containers.DeclarativeContainer):
    """Every port the core needs: the engines' adapters, and the embedded ones for ports
    whose engine has no adapter yet (listed explicitly, so nothing is inherited by
    accident)."""

    config = providers.Configuration()
    embedded = providers.Container(EmbeddedAdapters, config=config)

    redis = providers.Resource(open_redis, config.redis_url)
    mysql = providers.Resource(open_mysql, config.mysql_url, config.mysql_pool_size)

    clock = embedded.clock
    ids = embedded.ids
    users = providers.Singleton(MySqlUserStore, mysql)
    graph = providers.Singleton(MySqlSocialGraph, mysql)
    feeds = providers.Singleton(RedisFeedCache, redis, idle_ttl_seconds=config.feed_idle_seconds)
    feed_snapshots = providers.Singleton(RedisFeedSnapshots, redis)
    change_versions = providers.Singleton(
        RedisChangeVersions, redis, retention_seconds=config.change_retention_seconds
    )
    story_trays = providers.Singleton(RedisStoryTrayCache, redis)
    engagement = providers.Singleton(RedisEngagementStore, redis)
    limiter = providers.Singleton(RedisRateLimiter, redis, clock)
    trending = providers.Singleton(RedisTrendingTags, redis)
    blobs = providers.Resource(
        open_s3,
        config.s3_endpoint_url,
        config.s3_region,
        config.s3_bucket,
        config.s3_access_key_id,
        config.s3_secret_access_key,
    )
    multipart = providers.Singleton(S3MultipartUploads, blobs)

    # Still embedded (SQLite in the data dir, in-process caches) until their engines land.
    restrictions = embedded.restrictions
    affinity = embedded.affinity
    posts = embedded.posts
    media = embedded.media
    comments = embedded.comments
    stories = embedded.stories
    notifications = embedded.notifications
    search_index = embedded.search_index
    ranker = embedded.ranker
    engagement_model = embedded.engagement_model
    moderator = embedded.moderator
    push = embedded.push
    hasher = embedded.hasher
    tokens = embedded.tokens
    processor = embedded.processor
    transcoder = embedded.transcoder


class ProductionApplication(Application):
    """The whole process on the production profile's adapters."""

    # Same provider names as EmbeddedAdapters, which is what Core reads; the stubs type a
    # Container by its class, hence the ignore.
    adapters = providers.Container(ProductionAdapters, config=Application.config)  # type: ignore[arg-type]
    core = providers.Container(Core, config=Application.config, adapters=adapters)

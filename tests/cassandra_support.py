"""Helpers for the Cassandra adapters' tests: one migrated keyspace per test session, and
fresh (truncated) tables per store.

Plain functions: the contract modules call :func:`fresh_session` only for their
``cassandra`` parameter, so the memory and SQLite runs never start Cassandra.
"""

from __future__ import annotations

import pytest

from instagram_adapters.cassandra.migrate import apply_migrations
from instagram_adapters.cassandra.session import CassandraSession
from instagram_adapters.cassandra.settings import CassandraSettings
from tests.jvm_engines import CassandraServer

KEYSPACE = "contract"
# Ids per bucket in the contract suites: a handful, so most tests cross bucket boundaries.
SMALL_BUCKETS = 3
# The tables each store writes: truncated before a test takes the store.
TABLES = {
    "posts": (
        "posts",
        "user_posts",
        "posts_by_status_bucket",
        "post_status_buckets",
        "author_post_counts",
    ),
    "media": ("media", "unclaimed_media", "unclaimed_media_days"),
    "comments": ("comments_by_bucket", "comment_buckets", "comment_counts"),
    "stories": ("stories", "stories_by_id", "story_archive"),
    "story_views": ("story_viewers", "story_views"),
    "story_polls": ("story_poll_votes",),
    "highlights": ("highlights",),
    "notifications": (
        "activity",
        "activity_buckets",
        "notification_heads",
        "notification_actors",
        "notification_read_marks",
    ),
    "affinity": ("affinity", "seen_posts", "affinity_events"),
}


def settings_for(server: CassandraServer, keyspace: str = KEYSPACE) -> CassandraSettings:
    return CassandraSettings(
        contact_points=tuple(server.contact_points),
        port=server.port,
        keyspace=keyspace,
        local_dc=server.local_dc,
        request_timeout=30.0,  # a loaded 2-core test machine
        connect_timeout=30.0,
    )


def migrated_session(server: CassandraServer, keyspace: str = KEYSPACE) -> CassandraSession:
    """A session on ``keyspace``, migrated first (idempotent)."""
    settings = settings_for(server, keyspace)
    apply_migrations(settings)
    return CassandraSession.connect(settings, keyspace)


def fresh_session(request: pytest.FixtureRequest, store: str) -> CassandraSession:
    """The test session's shared Cassandra session, with ``store``'s tables emptied."""
    session: CassandraSession = request.getfixturevalue("cassandra_session")
    for table in TABLES[store]:
        session.execute(f"TRUNCATE {table}")
    return session

"""A process killed by SIGKILL between a Redis write and the release of its message.

The child holds a ``PostLiked`` in the MariaDB outbox, likes in Redis, and kills itself
before the release: the real state a crash leaves. The recovery sweep in this process then
finds the held row, sees the like in Redis and releases it for the relay; a child killed
before its write has its row withdrawn."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import redis

from instagram_adapters.kafka.envelope import decode, open_message
from instagram_adapters.kafka.intents import OutboxIntents
from instagram_adapters.kafka.topics import Topology
from instagram_adapters.memory.clock import ManualClock
from instagram_adapters.memory.comments import InMemoryCommentStore
from instagram_adapters.memory.posts import InMemoryPostStore
from instagram_adapters.memory.stories import InMemoryStoryStore
from instagram_adapters.memory.story_views import InMemoryStoryViewStore
from instagram_adapters.mysql.migrate import apply_migrations
from instagram_adapters.mysql.outbox import MySqlOutbox
from instagram_adapters.mysql.pool import MySqlPool
from instagram_adapters.redis.engagement import RedisEngagementStore
from instagram_core.domain.events import PostLiked
from instagram_core.services.intents import IntentReport, IntentSweep, Outcomes, OutcomeStores
from tests.engines import RedisServer
from tests.mysql_support import create_database, mariadb

CHILD = """
import os, signal, sys
import redis
from instagram_adapters.kafka.intents import OutboxIntents
from instagram_adapters.kafka.topics import Topology
from instagram_adapters.mysql.outbox import MySqlOutbox
from instagram_adapters.mysql.pool import MySqlPool
from instagram_adapters.redis.engagement import RedisEngagementStore
from instagram_core.domain.events import PostLiked

redis_url, mysql_url, post_id, when = sys.argv[1:]
store = RedisEngagementStore(redis.Redis.from_url(redis_url))
intents = OutboxIntents(MySqlOutbox(MySqlPool.from_url(mysql_url)), Topology(prefix="kill"))

def like():
    if when == "before":
        os.kill(os.getpid(), signal.SIGKILL)
    result = store.like(int(post_id), "bob")
    os.kill(os.getpid(), signal.SIGKILL)
    return result

intents.run(PostLiked(int(post_id), "bob", "alice"), like, lambda r: r[0])
"""


@pytest.fixture
def pool(request: pytest.FixtureRequest) -> Iterator[MySqlPool]:
    url = create_database(mariadb(request), "intent_kill")
    pool = MySqlPool.from_url(url)
    apply_migrations(pool)
    yield pool
    pool.close()


def kill_child(redis_server: RedisServer, pool_url: str, post_id: int, when: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, redis_server.url, pool_url, str(post_id), when],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()


def sweeper(pool: MySqlPool, engagement: RedisEngagementStore) -> IntentSweep:
    clock = ManualClock(datetime(2026, 12, 3, tzinfo=UTC))
    stores = OutcomeStores(
        posts=InMemoryPostStore(),
        engagement=engagement,
        comments=InMemoryCommentStore(),
        stories=InMemoryStoryStore(clock),
        story_views=InMemoryStoryViewStore(),
    )
    intents = OutboxIntents(MySqlOutbox(pool), Topology(prefix="kill"))
    return IntentSweep(intents, Outcomes(stores, clock))


def rows(pool: MySqlPool) -> list[tuple[int, object]]:
    found = pool.query("SELECT held, payload FROM outbox ORDER BY id")
    return [(int(r["held"]), open_message(decode(bytes(r["payload"])))) for r in found]


def test_a_like_killed_before_its_release_is_released_by_the_sweep(
    redis_server: RedisServer, pool: MySqlPool, request: pytest.FixtureRequest
) -> None:
    url = create_url(request)
    engagement = RedisEngagementStore(redis.Redis.from_url(redis_server.url))
    kill_child(redis_server, url, 9_000_000_001, "after")
    assert engagement.liked_by("bob", [9_000_000_001]) == {9_000_000_001}
    assert rows(pool) == [(1, PostLiked(9_000_000_001, "bob", "alice"))]  # held: the relay skips it
    sweep = sweeper(pool, engagement)
    assert sweep.recover(older_than=timedelta(hours=1)) == IntentReport()  # too young
    assert sweep.recover(older_than=timedelta(0)) == IntentReport(released=1)
    assert rows(pool) == [(0, PostLiked(9_000_000_001, "bob", "alice"))]  # the relay sends it now


def test_a_like_killed_before_its_write_is_withdrawn_by_the_sweep(
    redis_server: RedisServer, pool: MySqlPool, request: pytest.FixtureRequest
) -> None:
    url = create_url(request)
    engagement = RedisEngagementStore(redis.Redis.from_url(redis_server.url))
    kill_child(redis_server, url, 9_000_000_002, "before")
    assert engagement.liked_by("bob", [9_000_000_002]) == set()
    assert [held for held, _ in rows(pool)] == [1]
    assert sweeper(pool, engagement).recover(older_than=timedelta(0)) == IntentReport(dropped=1)
    assert rows(pool) == []


def create_url(request: pytest.FixtureRequest) -> str:
    """The URL of the ``pool`` fixture's database."""
    return mariadb(request).url.rsplit("/", 1)[0] + "/intent_kill"

"""The Redis adapters under contention and failure, on the session's private server.

The restart test drives the real core (the unit tests' in-memory world with the feed cache
swapped for Redis). The server runs without persistence, so a restarted Redis is empty: what
must hold is that every lost feed reads as absent and is rebuilt whole, that a fan-out chunk
cut by the outage fails loudly (``Unavailable``) and can be retried, and that retries and
redeliveries never put a post into a feed twice.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime

import attrs
import pytest
import redis
from dependency_injector import providers

from instagram_adapters.memory.clock import ManualClock
from instagram_adapters.redis.client import redis_client
from instagram_adapters.redis.engagement import RedisEngagementStore
from instagram_adapters.redis.feed_cache import RedisFeedCache
from instagram_adapters.redis.rate_limiter import RedisRateLimiter
from instagram_adapters.redis.story_trays import RedisStoryTrayCache
from instagram_core.domain.errors import Unavailable
from instagram_core.domain.events import FanOutPost, Message
from instagram_core.domain.users import User
from instagram_core.ports import EventBus
from instagram_core.services.posts import NewPost
from instagram_entrypoints.containers import Application, memory_container
from tests.engines import RedisServer
from tests.support import jpeg_bytes

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def client(redis_server: RedisServer) -> Iterator[redis.Redis]:
    client = redis_client(redis_server.url)
    client.flushdb()
    yield client
    client.close()


def test_fifty_threads_liking_and_unliking_count_each_final_liker_once(
    client: redis.Redis,
) -> None:
    """Each thread churns its own user; users whose index is not a multiple of 3 end liked."""
    store = RedisEngagementStore(client)
    barrier = threading.Barrier(50)
    errors: list[BaseException] = []

    def churn(index: int) -> None:
        try:
            barrier.wait()
            for _ in range(5):
                store.like(7, f"user-{index}")
                store.like(7, f"user-{index}")
                store.unlike(7, f"user-{index}")
            if index % 3:
                store.like(7, f"user-{index}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=churn, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    likers = {f"user-{i}" for i in range(50) if i % 3}
    assert client.smembers("liked:7") == likers
    assert client.get("like_count:7") == str(len(likers))


class WorkQueue:
    """The bus of the fan-out under test: commands wait here until the test, acting as a
    worker that fails and retries, runs them. A failed command goes back to the front."""

    def __init__(self) -> None:
        self.waiting: deque[Message] = deque()
        self.failed: list[Message] = []

    def publish(self, message: Message) -> None:
        self.waiting.append(message)

    def run_next(self, container: Application) -> Message:
        command = self.waiting.popleft()
        assert isinstance(command, FanOutPost)
        try:
            container.core.fanout().fan_out_chunk(command)
        except Unavailable:
            self.failed.append(command)
            raise
        return command

    def retry_failed(self) -> None:
        self.waiting.extendleft(reversed(self.failed))
        self.failed.clear()

    def drain(self, container: Application) -> None:
        while self.waiting:
            self.run_next(container)


class FanOutToQueue:
    """The services' bus in this test: fan-out chunks go to the work queue, every other
    message to the world's own (synchronous) bus."""

    def __init__(self, queue: WorkQueue, rest: EventBus) -> None:
        self._queue, self._rest = queue, rest

    def publish(self, message: Message) -> None:
        target = self._queue if isinstance(message, FanOutPost) else self._rest
        target.publish(message)


def redis_world(client: redis.Redis, queue: WorkQueue) -> Application:
    """The unit tests' world with feeds in Redis and a fan-out of 4 followers per chunk."""
    container = memory_container(START)
    container.adapters.feeds.override(providers.Object(RedisFeedCache(client)))
    settings = attrs.evolve(container.core.settings(), fanout_chunk_size=4)
    container.core.settings.override(providers.Object(settings))
    container.core.bus.override(providers.Object(FanOutToQueue(queue, container.core.bus())))
    container.init_resources()
    return container


def publish(container: Application, author: User) -> int:
    core, adapters = container.core, container.adapters
    adapters.clock().advance(60)
    ticket = core.media().request_upload(author.user_id, "image", "image/jpeg")
    adapters.blobs().put(ticket.media.original_key, jpeg_bytes(), "image/jpeg")
    return core.posts().create(author.user_id, NewPost([ticket.media.media_id], "")).post_id


def home_ids(container: Application, user: User) -> list[int]:
    page = container.core.feed().home(user.user_id, None, 50)
    assert page.ranked  # served from the cache, not the degraded path
    return [view.post_id for view in page.items]


def test_a_fan_out_cut_by_a_restart_ends_with_every_post_once(
    client: redis.Redis, redis_server: RedisServer
) -> None:
    queue = WorkQueue()
    container = redis_world(client, queue)
    core, feeds = container.core, container.adapters.feeds()
    author = core.accounts().register("author", "correct horse")
    fans = [core.accounts().register(f"fan_{n}", "correct horse") for n in range(10)]
    for fan in fans:
        core.social().follow(fan.user_id, "author")
        assert home_ids(container, fan) == []  # builds the (empty) feed
    first = publish(container, author)
    queue.drain(container)
    assert all(home_ids(container, fan) == [first] for fan in fans)

    second = publish(container, author)
    done = queue.run_next(container)
    reached = [fan for fan in fans if second in (feeds.page(fan.user_id, None, 5) or [])]
    assert len(reached) == 4  # one chunk
    redis_server.stop()
    try:
        with pytest.raises(Unavailable):
            queue.run_next(container)
        during = core.feed().home(fans[0].user_id, None, 50)
        assert not during.ranked  # degraded: pulled from the post store
        assert [v.post_id for v in during.items] == [second, first]
    finally:
        redis_server.start()

    assert client.dbsize() == 0  # no persistence: every feed was lost
    rebuilt, lost = fans[::2], fans[1::2]
    assert all(home_ids(container, fan) == [second, first] for fan in rebuilt)
    queue.retry_failed()
    queue.waiting.append(done)  # an at-least-once redelivery of a chunk that had succeeded
    queue.drain(container)
    assert all(feeds.page(fan.user_id, None, 10) is None for fan in lost)
    assert all(home_ids(container, fan) == [second, first] for fan in fans)
    for fan in fans:
        assert client.zcard(f"feed:{fan.user_id}") == 3  # two posts and the sentinel
    container.shutdown_resources()


def test_every_adapter_reports_an_outage_as_unavailable_and_recovers(
    client: redis.Redis, redis_server: RedisServer
) -> None:
    feeds, engagement = RedisFeedCache(client), RedisEngagementStore(client)
    limiter = RedisRateLimiter(client, ManualClock(START))
    trays = RedisStoryTrayCache(client)
    calls = (
        lambda: feeds.page("ann", None, 10),
        lambda: feeds.add(["ann"], 1),
        lambda: engagement.like(1, "ann"),
        lambda: engagement.forget_post(1),
        lambda: limiter.hit("ann", 5, 60),
        lambda: trays.get("ann"),
        lambda: trays.touch(["ann"], "bob", START),
        lambda: trays.mark_seen("ann", 7, START, 60),
    )
    redis_server.stop()
    try:
        for call in calls:
            with pytest.raises(Unavailable) as caught:
                call()
            assert isinstance(caught.value.__cause__, redis.RedisError)
    finally:
        redis_server.start()
    for call in calls:
        call()  # the pool reconnects; the scripts are loaded again on NOSCRIPT
    assert engagement.like_counts([1]) == {1: 0}


def test_a_frozen_server_times_out_as_unavailable(
    client: redis.Redis, redis_server: RedisServer
) -> None:
    """A hung server (SIGSTOP) neither refuses nor answers: the socket timeout bounds the
    wait, and the error still arrives as ``Unavailable``."""
    impatient = redis_client(redis_server.url, socket_timeout=1.0)
    feeds = RedisFeedCache(impatient)
    feeds.add_many("ann", [1])
    pid = int(client.info("server")["process_id"])
    os.kill(pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        with pytest.raises(Unavailable, match="Timeout"):
            feeds.page("ann", None, 10)
        # Two attempts of 1 s, not redis-py's ten: a margin a loaded machine cannot eat.
        assert time.monotonic() - started < 6
    finally:
        os.kill(pid, signal.SIGCONT)
    try:
        assert feeds.page("ann", None, 10) == [1]
    finally:
        impatient.close()

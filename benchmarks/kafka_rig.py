"""What the two Kafka benchmarks share: private engines, the fan-out worker wired with the
project's own code, and a bare kafka-python producer and consumer for the baselines.

The fan-out worker is the production pieces that touch Kafka and Redis, not the whole
production container: ``FanoutService`` (the real handler) behind ``KafkaWorker`` (the real
consumer-group member, with its at-least-once commits) and ``KafkaEventBus`` (the real
publisher, ``acks=all`` with idempotence, which the handler also uses to queue each next
chunk), writing through ``TrackedFeedCache`` over ``RedisFeedCache``, which marks each
feed changed in ``RedisChangeVersions`` in the same script call (the service's feed write
path). The social graph and post store are
the in-memory adapters: on MariaDB and Cassandra they would add one indexed read per chunk,
and starting those two JVM-heavy engines on this small shared machine would take longer than
the measurement; what the benchmarks compare is the bus, against a bare bus.

Not a ``bench_*.py`` itself, so ``run_all.py`` does not run it.
"""

from __future__ import annotations

import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the engines of the tests: tests/engines.py, tests/jvm_engines.py

from kafka import KafkaConsumer, KafkaProducer  # noqa: E402
from tests.engines import start_redis  # noqa: E402
from tests.jvm_engines import start_kafka  # noqa: E402

from instagram_adapters.kafka.publisher import KafkaEventBus  # noqa: E402
from instagram_adapters.kafka.topics import Topology, ensure_topics  # noqa: E402
from instagram_adapters.kafka.worker import KafkaWorker  # noqa: E402
from instagram_adapters.memory.posts import InMemoryPostStore  # noqa: E402
from instagram_adapters.memory.social_graph import InMemorySocialGraph  # noqa: E402
from instagram_adapters.redis.change_versions import RedisChangeVersions  # noqa: E402
from instagram_adapters.redis.client import redis_client  # noqa: E402
from instagram_adapters.redis.feed_cache import RedisFeedCache  # noqa: E402
from instagram_core.domain.events import FanOutPost, PostPublished  # noqa: E402
from instagram_core.domain.ids import compose_id  # noqa: E402
from instagram_core.domain.posts import Post, PostStatus  # noqa: E402
from instagram_core.domain.social import Follow, FollowStatus  # noqa: E402
from instagram_core.services.fanout import FanoutService  # noqa: E402
from instagram_core.services.freshness import Freshness  # noqa: E402
from instagram_core.services.tracked_feed_cache import TrackedFeedCache  # noqa: E402

AUTHOR = "author"
BASE_MS = 1_767_225_600_000  # 2026-01-01
NOW = datetime(2026, 1, 1, tzinfo=UTC)


@contextmanager
def engines() -> Iterator[tuple[str, str] | None]:
    """A fresh Kafka node and Redis server (as the tests start them): their bootstrap
    servers and URL, or ``None`` when Java, Maven or ``redis-server`` is missing."""
    started = time.perf_counter()
    kafka = start_kafka()
    if kafka is None:
        yield None
        return
    try:
        redis_server = start_redis()
        if redis_server is None:
            yield None
            return
        try:
            print(f"  engines up in {time.perf_counter() - started:.1f} s", flush=True)
            yield kafka.bootstrap_servers, redis_server.url
        finally:
            redis_server.stop()
    finally:
        kafka.stop()


def load_average() -> str:
    with open("/proc/loadavg") as loadavg:
        return " ".join(loadavg.read().split()[:3])


def post_id(n: int) -> int:
    return compose_id(BASE_MS + n, 1, 0)


class FanoutRig:
    """The fan-out consumer group on topics under a fresh prefix, one worker thread, and
    ``followers`` active followers of ``AUTHOR`` whose Redis feeds are present (an absent
    feed is skipped by the fan-out, which would flatter the figure)."""

    def __init__(self, bootstrap: str, redis_url: str, followers: int, partitions: int) -> None:
        prefix = f"b{uuid.uuid4().hex[:10]}"
        self.bootstrap = bootstrap
        self.topology = Topology(prefix=prefix, partitions=partitions)
        self.group = f"{prefix}.fanout"
        ensure_topics(bootstrap, self.topology, [self.group])
        self.posts_topic = self.topology.topic("posts")
        self.bus = KafkaEventBus(bootstrap, self.topology)
        self.client = redis_client(redis_url, socket_timeout=30)
        # As production wires them: the feed cache marks its writes in the change versions
        # in the same script call, and the core's wrapper adds no marks of its own.
        versions = RedisChangeVersions(self.client)
        self.feeds = RedisFeedCache(self.client, versions=versions)
        self.tracked = TrackedFeedCache(self.feeds, Freshness(versions))
        self.graph = InMemorySocialGraph()
        self.follower_ids = [f"user-{n:06d}" for n in range(followers)]
        for follower in self.follower_ids:
            self.graph.put(Follow(follower, AUTHOR, FollowStatus.ACTIVE, NOW))
            self.feeds.add_many(follower, [])
        self.feeds.add_many(AUTHOR, [])
        self.posts = InMemoryPostStore()
        fanout = FanoutService(self.tracked, self.graph, self.posts, self.bus)
        handlers = {
            PostPublished: [fanout.on_post_published],
            FanOutPost: [fanout.fan_out_chunk],
        }
        self._stop = threading.Event()
        worker = KafkaWorker(bootstrap, self.topology, self.group, handlers, self.bus)
        self._thread = threading.Thread(target=worker.run, args=(self._stop,), name="fanout")
        self._thread.start()

    def publish(self, n: int) -> None:
        """Store post ``n`` published and publish its PostPublished (as the media worker
        does once every variant exists); returns once Kafka acknowledged it."""
        number = post_id(n)
        post = Post(number, AUTHOR, (), NOW, status=PostStatus.PUBLISHED, published_at=NOW)
        self.posts.add(post)
        self.bus.publish(PostPublished(number, AUTHOR))

    def newest(self, follower: str, limit: int = 50) -> set[int]:
        return set(self.feeds.page(follower, None, limit) or ())

    def wait_visible(self, n: int, follower: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while post_id(n) not in self.newest(follower):
            if time.monotonic() > deadline:
                raise RuntimeError(f"post {n} never reached {follower}'s feed")
            time.sleep(0.01)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        self.bus.close()
        self.client.close()


class BareTopic:
    """A topic with the fan-out topics' partitions, written by a plain ``KafkaProducer``
    (``acks=all``, as ours) and read by a plain ``KafkaConsumer`` in a group of its own:
    bytes in, bytes out, no handler."""

    def __init__(self, bootstrap: str, partitions: int) -> None:
        prefix = f"bare{uuid.uuid4().hex[:10]}"
        topology = Topology(prefix=prefix, partitions=partitions)
        ensure_topics(bootstrap, topology)
        self.topic = topology.topic("posts")
        self.producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=2)
        self.consumer = KafkaConsumer(
            self.topic,
            bootstrap_servers=bootstrap,
            group_id=f"{prefix}.group",
            auto_offset_reset="earliest",
            enable_auto_commit=True,
            # a topic created a moment ago may be missing from the first metadata, and the
            # group then assigns nothing until the next refresh (5 minutes by default)
            metadata_max_age_ms=1_000,
        )

    def wait_assigned(self, timeout: float = 30) -> None:
        """Join the group before anything is timed (the worker's warm-up post does the same)."""
        deadline = time.monotonic() + timeout
        while not self.consumer.assignment():
            if time.monotonic() > deadline:
                raise RuntimeError("the bare consumer was never assigned partitions")
            self.consumer.poll(timeout_ms=200)

    def close(self) -> None:
        self.producer.close()
        self.consumer.close()

"""Fan-out through Kafka, in followers written per second end to end, beside a bare bus.

Ours: ``--posts`` PostPublished messages are published (``KafkaEventBus``, each acknowledged)
for an author with ``--followers`` followers; the fan-out worker (``KafkaWorker`` running
``FanoutService``) consumes each, writes the author's feed and queues the first FanOutPost;
each FanOutPost writes one chunk of 1,000 followers' Redis feeds and queues the next, as the
production fan-out does. Timed from the first publish until every follower's feed holds every
post (the last follower is written by each post's last chunk; every feed is checked after
the clock stops). See ``kafka_rig.py`` for what is wired and why the graph and post store are
the in-memory adapters.

Baseline, measured in the same run on the same broker: the same messages (the same
envelope bytes and keys: each post's PostPublished and FanOutPost records) written by a plain
``KafkaProducer`` to a topic with the same partitions and read back by a plain
``KafkaConsumer``, no handler. Its rate is the same followers divided by its time, so the
ratio is the bare time over ours (goal: at least 0.5). The bare producer sends every record
at once, while the fan-out cannot: each chunk is published by the handler of the one
before, a round trip through the broker per chunk, and one worker handles its records one
after another. For context, the same feed writes made straight through the feed cache (no
Kafka) are timed too, which splits our time into Redis and bus, and a second ratio is
printed: the bare time plus the Redis time, over ours.

Ours is measured twice on the same rig: as shipped, where a worker pipelines what its
handlers publish (one acknowledgement wait per polled batch, before the commit), and with
one broker round trip per published message (each ``publish`` waiting for its
acknowledgement, as before the pipelining): the before/after of that change.

Skips cleanly without Java, Maven or ``redis-server``.

Run: ``python benchmarks/bench_kafka_fanout.py [--followers N] [--posts N]``.
"""

from __future__ import annotations

import argparse
import contextlib
import time
from collections.abc import Iterator

from kafka_rig import (
    AUTHOR,
    BareTopic,
    FanoutRig,
    engines,
    load_average,
    post_id,
)

from instagram_adapters.kafka.envelope import encode, wrap
from instagram_adapters.kafka.publisher import KafkaEventBus
from instagram_adapters.kafka.topics import Topology
from instagram_core.domain.events import FanOutPost, Message, PostPublished
from instagram_core.policies.fanout import FANOUT_CHUNK

PARTITIONS = 6  # INSTAGRAM_KAFKA_PARTITIONS's default


def ours(rig: FanoutRig, posts: int, first: int) -> float:
    """Seconds from the first publish until every follower has every post; posts are
    numbered from ``first``."""
    last = rig.follower_ids[-1]
    numbers = range(first, first + posts)
    wanted = {post_id(n) for n in numbers}
    started = time.perf_counter()
    for n in numbers:
        rig.publish(n)
    while not wanted <= rig.newest(last, posts + 5):
        time.sleep(0.005)
    elapsed = time.perf_counter() - started
    for follower in rig.follower_ids:
        if not wanted <= rig.newest(follower, posts + 5):
            raise RuntimeError(f"{follower}'s feed lacks some of the {posts} posts")
    return elapsed


@contextlib.contextmanager
def acknowledged_one_by_one(bus: KafkaEventBus) -> Iterator[None]:
    """The worker's batches without pipelining: every publish waits for its own ack."""

    @contextlib.contextmanager
    def not_deferring() -> Iterator[None]:
        yield

    bus.deferring = not_deferring  # type: ignore[method-assign]
    try:
        yield
    finally:
        del bus.deferring


def redis_alone(rig: FanoutRig, posts: int, first: int) -> float:
    """Seconds for the same feed writes straight through the feed cache, no Kafka (context:
    what of our time is Redis); posts numbered from ``first``."""
    started = time.perf_counter()
    for n in range(first, first + posts):
        rig.tracked.add([AUTHOR], post_id(n))
        for start in range(0, len(rig.follower_ids), FANOUT_CHUNK):
            rig.tracked.add(rig.follower_ids[start : start + FANOUT_CHUNK], post_id(n))
    return time.perf_counter() - started


def fanout_messages(follower_ids: list[str], posts: int) -> list[Message]:
    """The records one fan-out run moves: per post its PostPublished, then one FanOutPost
    per chunk, the last one finding an empty chunk when the audience is a multiple of it."""
    messages: list[Message] = []
    for n in range(1, posts + 1):
        messages.append(PostPublished(post_id(n), AUTHOR))
        after: str | None = None
        for first in range(0, len(follower_ids) + 1, FANOUT_CHUNK):
            messages.append(FanOutPost(post_id(n), AUTHOR, after))
            chunk = follower_ids[first : first + FANOUT_CHUNK]
            if len(chunk) < FANOUT_CHUNK:
                break
            after = chunk[-1]
    return messages


def bare(bootstrap: str, messages: list[Message]) -> float:
    """Seconds for a plain producer and consumer to move the same records."""
    topology = Topology()
    records = [(topology.key(m), encode(wrap(m))) for m in messages]
    topic = BareTopic(bootstrap, PARTITIONS)
    try:
        topic.wait_assigned()
        started = time.perf_counter()
        for key, value in records:
            topic.producer.send(topic.topic, key=key, value=value)
        topic.producer.flush()
        seen = 0
        while seen < len(records):
            batch = topic.consumer.poll(timeout_ms=500)
            seen += sum(len(found) for found in batch.values())
        return time.perf_counter() - started
    finally:
        topic.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=5_000)
    parser.add_argument("--posts", type=int, default=30)
    args = parser.parse_args()

    with engines() as found:
        if found is None:
            print("bench_kafka_fanout: skipped, Java, Maven or redis-server is missing")
            return
        bootstrap, redis_url = found
        rig = FanoutRig(bootstrap, redis_url, args.followers, PARTITIONS)
        try:
            rig.publish(0)  # warm-up: the worker joins its group, the producer connects
            rig.wait_visible(0, rig.follower_ids[-1])
            load = load_average()
            with acknowledged_one_by_one(rig.bus):
                serial_s = ours(rig, args.posts, first=1)
            our_s = ours(rig, args.posts, first=args.posts + 1)
            redis_s = redis_alone(rig, args.posts, first=2 * args.posts + 1)
        finally:
            rig.close()
        messages = fanout_messages(rig.follower_ids, args.posts)
        bare_s = bare(bootstrap, messages)

    written = args.followers * args.posts
    rate, bare_rate = written / our_s, written / bare_s
    print(
        f"bench_kafka_fanout: {args.posts} posts to {args.followers:,} followers, chunks of "
        f"{FANOUT_CHUNK:,}, {len(messages)} records, {PARTITIONS} partitions "
        f"(load average {load})"
    )
    print(f"  {'':<52}{'seconds':>9}{'followers/s':>14}")
    print(f"  {'Kafka -> fan-out worker -> Redis feeds (ours)':<52}{our_s:>9.2f}{rate:>14,.0f}")
    print(
        f"  {'  the same, one ack wait per publish (before)':<52}{serial_s:>9.2f}"
        f"{written / serial_s:>14,.0f}"
    )
    print(f"  {'bare producer -> consumer, same records':<52}{bare_s:>9.2f}{bare_rate:>14,.0f}")
    print(
        f"  {'  context: the same feed writes, Redis alone':<52}{redis_s:>9.2f}"
        f"{written / redis_s:>14,.0f}"
    )
    ratio = rate / bare_rate
    print(f"  ratio ours / bare: {ratio:.2f} ({'meets' if ratio >= 0.5 else 'MISSES'} 0.5)")
    floor = (bare_s + redis_s) / our_s
    print(f"  context: (bare + Redis alone) / ours: {floor:.2f} (1.0: the bus costs us nothing)")
    before = (bare_s + redis_s) / serial_s
    print(f"  before the pipelining: {before:.2f}; speed-up {serial_s / our_s:.2f}x")


if __name__ == "__main__":
    main()

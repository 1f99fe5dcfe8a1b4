"""Publish to visible through Kafka: p50 and p99 under a steady load of posts, beside a bare
produce-consume round trip on the same broker.

Ours: an author with ``--followers`` followers (100) publishes ``--rate`` posts a second for
``--seconds`` seconds, each a PostPublished through ``KafkaEventBus``; the fan-out worker
(``KafkaWorker`` running ``FanoutService``, see ``kafka_rig.py``) consumes it, writes the
author's feed and queues a FanOutPost, which it consumes in turn to write the followers'
Redis feeds. Meanwhile this process polls every follower's feed (``RedisFeedCache.page``,
one sweep of 100 calls after another) and notes when each post first shows in each. Figures:
a post's latency until it is in all 100 feeds (what the goal is about: p99 under 1 s), and
per feed. The polling's resolution is one sweep (printed).

Baseline, same run, same broker, same rate and duration: a plain ``KafkaProducer``
(``acks=all``) sends the same PostPublished envelope bytes, a plain ``KafkaConsumer`` in its
own group reads them; latency from before the send to the record in the consumer's hands.
Ours makes two such trips (the FanOutPost is a second record) plus the Redis writes.

Skips cleanly without Java, Maven or ``redis-server``.

Run: ``python benchmarks/bench_kafka_publish_to_visible.py [--rate N] [--seconds N]``.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from collections.abc import Callable, Sequence

from kafka_rig import AUTHOR, BareTopic, FanoutRig, engines, load_average, post_id

from instagram_adapters.kafka.envelope import encode, wrap
from instagram_core.domain.events import PostPublished

PARTITIONS = 6  # INSTAGRAM_KAFKA_PARTITIONS's default


def steady(rate: float, count: int, send: Callable[[int], None], sent: dict[int, float]) -> None:
    """Call ``send(n)`` for n = 1..count, ``rate`` a second on a fixed schedule, noting
    each start time in ``sent`` just before the call."""
    started = time.perf_counter()
    for n in range(1, count + 1):
        time.sleep(max(0.0, started + (n - 1) / rate - time.perf_counter()))
        sent[n] = time.perf_counter()
        send(n)


def ours(rig: FanoutRig, rate: float, count: int) -> tuple[list[float], list[float], float]:
    """Per post, seconds until it was in every follower's feed; per post and follower,
    seconds until it was in that feed; and the mean time of a sweep that read every feed."""
    sent: dict[int, float] = {}
    seen: dict[int, dict[str, float]] = {}
    publisher = threading.Thread(target=steady, args=(rate, count, rig.publish, sent))
    publisher.start()
    deadline = time.monotonic() + count / rate + 60
    sweeps, swept = 0, 0.0
    while len([n for n in seen if len(seen[n]) == len(rig.follower_ids)]) < count:
        if time.monotonic() > deadline:
            raise RuntimeError("some posts never reached every follower")
        began, calls = time.perf_counter(), 0
        for follower in rig.follower_ids:
            pending = [n for n in list(sent) if follower not in seen.setdefault(n, {})]
            if not pending:
                continue
            ids = rig.newest(follower, 20)
            calls += 1
            now = time.perf_counter()
            for n in pending:
                if post_id(n) in ids:
                    seen[n][follower] = now
        if calls == len(rig.follower_ids):
            sweeps += 1
            swept += time.perf_counter() - began
        time.sleep(0.002)
    publisher.join()
    to_all = [max(seen[n].values()) - sent[n] for n in range(1, count + 1)]
    per_feed = [at - sent[n] for n in range(1, count + 1) for at in seen[n].values()]
    return to_all, per_feed, swept / max(sweeps, 1)


def bare(bootstrap: str, rate: float, count: int) -> list[float]:
    """Per record, seconds from before the send to the record in the consumer's hands."""
    value = encode(wrap(PostPublished(post_id(1), AUTHOR)))
    topic = BareTopic(bootstrap, PARTITIONS)
    sent: dict[int, float] = {}
    got: dict[int, float] = {}
    try:
        topic.wait_assigned()

        def send(n: int) -> None:
            topic.producer.send(topic.topic, key=str(n).encode(), value=value).get(timeout=10)

        publisher = threading.Thread(target=steady, args=(rate, count, send, sent))
        publisher.start()
        deadline = time.monotonic() + count / rate + 60
        while len(got) < count and time.monotonic() < deadline:
            for records in topic.consumer.poll(timeout_ms=100).values():
                now = time.perf_counter()
                for record in records:
                    got[int(record.key)] = now
        publisher.join()
    finally:
        topic.close()
    if len(got) < count:
        raise RuntimeError(f"the bare consumer read {len(got)} of {count} records")
    return [got[n] - sent[n] for n in range(1, count + 1)]


def p(samples: Sequence[float], percent: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[percent - 1]


def row(label: str, samples: Sequence[float]) -> str:
    ms = [s * 1000 for s in samples]
    return f"  {label:<46}{p(ms, 50):>9.0f}{p(ms, 99):>9.0f}{max(ms):>9.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=100)
    parser.add_argument("--rate", type=float, default=4.0, help="posts a second")
    parser.add_argument("--seconds", type=float, default=25.0)
    args = parser.parse_args()
    count = int(args.rate * args.seconds)

    with engines() as found:
        if found is None:
            print("bench_kafka_publish_to_visible: skipped, Java, Maven or redis-server is missing")
            return
        bootstrap, redis_url = found
        rig = FanoutRig(bootstrap, redis_url, args.followers, PARTITIONS)
        try:
            rig.publish(0)  # warm-up: the worker joins its group, the producer connects
            rig.wait_visible(0, rig.follower_ids[-1])
            load_before = load_average()
            to_all, per_feed, sweep = ours(rig, args.rate, count)
        finally:
            rig.close()
        round_trips = bare(bootstrap, args.rate, count)
        load_after = load_average()

    print(
        f"bench_kafka_publish_to_visible: {count} posts, {args.rate:g} a second, to "
        f"{args.followers} followers each, {PARTITIONS} partitions (load average "
        f"{load_before} before, {load_after} after; a full polling sweep {sweep * 1000:.0f} ms)"
    )
    print(f"  {'milliseconds':<46}{'p50':>9}{'p99':>9}{'max':>9}")
    print(row(f"publish -> in all {args.followers} feeds (ours)", to_all))
    print(row("publish -> in one feed (ours, per feed)", per_feed))
    print(row("bare produce -> consume round trip", round_trips))
    verdict = "meets" if p(to_all, 99) < 1.0 else "MISSES"
    print(f"  p99 to all feeds {p(to_all, 99) * 1000:.0f} ms ({verdict} the 1 s goal)")


if __name__ == "__main__":
    main()

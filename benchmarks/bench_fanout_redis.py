"""Fan-out on write to Redis: RedisFeedCache.add for an author with 100,000 followers.

Starts a private ``redis-server`` on a free loopback port (no persistence), makes every
follower's feed present (an absent feed is skipped, which would flatter the figure), then
pushes ``--posts`` posts to all of them in chunks of 1,000 followers (the fan-out policy's
chunk: one ``EVALSHA`` each, from one client, as one worker would). Reported in followers
written per second, beside the server's own ``redis-benchmark -t zadd -n 100000 -q`` (plain
``ZADD`` commands from 50 parallel clients) run against the same server, and their ratio
(goal: at least 0.5); the same with ``-P 16`` for context, since a fan-out chunk is in
effect a pipeline of 1,000 writes. The in-memory adapter's figure is printed too, and so is
the write path as the service runs it: ``TrackedFeedCache`` over the Redis feed cache given
the ``RedisChangeVersions``, which marks every written feed changed in the same script call
as the write, so cached feed pages are invalidated. On a shared or small machine,
redis-benchmark's 50 clients compete with the server for CPU, and every rate moves with the
load; the server's CPU time per follower written (``INFO cpu``) is the steadier figure of
the work each follower costs Redis.

Skips cleanly when ``redis-server`` or ``redis-benchmark`` is not installed.

Run: ``python benchmarks/bench_fanout_redis.py [--followers N] [--posts N]``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))  # works from a plain checkout too

from instagram_adapters.memory.feed_cache import InMemoryFeedCache  # noqa: E402
from instagram_adapters.redis.change_versions import RedisChangeVersions  # noqa: E402
from instagram_adapters.redis.client import redis_client  # noqa: E402
from instagram_adapters.redis.feed_cache import RedisFeedCache  # noqa: E402
from instagram_core.domain.ids import compose_id  # noqa: E402
from instagram_core.policies.fanout import FANOUT_CHUNK  # noqa: E402
from instagram_core.ports import FeedCache  # noqa: E402
from instagram_core.services.freshness import Freshness  # noqa: E402
from instagram_core.services.tracked_feed_cache import TrackedFeedCache  # noqa: E402

BASE_MS = 1_767_225_600_000  # 2026-01-01


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def private_redis(binary: str) -> Iterator[int]:
    """A throw-away server on a free port, without persistence; yields its port."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-redis-") as workdir:
        command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "no", "--dir", workdir]
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        try:
            client = redis_client(f"redis://127.0.0.1:{port}/0")
            for _ in range(200):
                try:
                    client.ping()
                    break
                except Exception:
                    time.sleep(0.05)
            client.close()
            yield port
        finally:
            server.terminate()
            server.wait(timeout=15)


def fan_out_rate(feeds: FeedCache, followers: list[str], posts: int, first_post: int = 0) -> float:
    """Followers written per second, pushing ``posts`` posts in fan-out-sized chunks."""
    started = time.perf_counter()
    for n in range(first_post, first_post + posts):
        post_id = compose_id(BASE_MS + n, 1, 0)
        for first in range(0, len(followers), FANOUT_CHUNK):
            feeds.add(followers[first : first + FANOUT_CHUNK], post_id)
    return len(followers) * posts / (time.perf_counter() - started)


def make_present(feeds: FeedCache, followers: list[str], fill: int = 0) -> float:
    """Build every follower's feed through the adapter, one round trip each (as a rebuild
    on read would), holding ``fill`` posts older than the benchmark's (a feed at capacity
    is what an active user has: then every push trims); returns the seconds taken. Not
    part of the figure."""
    old = [compose_id(BASE_MS - 1 - n, 1, 0) for n in range(fill)]
    started = time.perf_counter()
    for follower in followers:
        feeds.add_many(follower, old)
    return time.perf_counter() - started


def zadd_baseline(binary: str, port: int, requests: int, pipeline: int = 1) -> float:
    """``redis-benchmark``'s ZADD requests per second against the same server."""
    command = [binary, "-p", str(port), "-t", "zadd", "-n", str(requests), "-q"]
    command += ["-P", str(pipeline)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    found = re.search(r"ZADD: ([\d.]+) requests per second", output)
    if found is None:
        raise RuntimeError(f"unexpected redis-benchmark output: {output!r}")
    return float(found.group(1))


def server_cpu(client: redis.Redis) -> float:
    """CPU seconds the Redis server has used (user + system): its work, which, unlike
    elapsed time, does not grow when other processes take the cores."""
    cpu = client.info("cpu")
    return float(cpu["used_cpu_user"]) + float(cpu["used_cpu_sys"])


def per_follower_us(
    client: redis.Redis, write: Callable[[], float], written: int
) -> tuple[float, float]:
    """Followers written per second by ``write``, and the server's CPU microseconds per
    follower written meanwhile."""
    cpu = server_cpu(client)
    rate = write()
    return rate, (server_cpu(client) - cpu) * 1e6 / written


def redis_figures(
    server: str, bench: str, followers: list[str], posts: int, fill: int = 0
) -> tuple[float, ...]:
    """Seconds to make the feeds present; followers written per second and the server's
    CPU microseconds per follower, without then with the marks; the plain and pipelined
    ``redis-benchmark`` ZADD rates."""
    with private_redis(server) as port:
        client = redis_client(f"redis://127.0.0.1:{port}/0", socket_timeout=30)
        feeds = RedisFeedCache(client)
        setup_s = make_present(feeds, followers, fill)
        written = len(followers) * posts
        rate, cpu_us = per_follower_us(
            client, lambda: fan_out_rate(feeds, followers, posts), written
        )
        check = feeds.page(followers[-1], None, posts)
        if check is None or len(check) != posts or min(check) < compose_id(BASE_MS, 1, 0):
            raise RuntimeError(f"the last follower's feed holds {check}, not {posts} posts")
        versions = RedisChangeVersions(client)
        marking = RedisFeedCache(client, versions=versions)
        tracked = TrackedFeedCache(marking, Freshness(versions))
        tracked_rate, tracked_cpu_us = per_follower_us(
            client, lambda: fan_out_rate(tracked, followers, posts, first_post=posts), written
        )
        client.close()
        baseline = zadd_baseline(bench, port, 100_000)
        pipelined = zadd_baseline(bench, port, 100_000, pipeline=16)
    return setup_s, rate, cpu_us, tracked_rate, tracked_cpu_us, baseline, pipelined


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=5, help="posts fanned out, one after another")
    parser.add_argument("--fill", type=int, default=0, help="posts each feed holds beforehand")
    args = parser.parse_args()

    server, bench = shutil.which("redis-server"), shutil.which("redis-benchmark")
    if server is None or bench is None:
        print("bench_fanout_redis: skipped, redis-server or redis-benchmark is not installed")
        return
    followers = [f"user-{n:06d}" for n in range(args.followers)]
    setup_s, rate, cpu_us, tracked_rate, tracked_cpu_us, baseline, pipelined = redis_figures(
        server, bench, followers, args.posts, args.fill
    )
    memory = InMemoryFeedCache()
    for follower in followers:
        memory.add_many(follower, [])
    memory_rate = fan_out_rate(memory, followers, args.posts)

    print(
        f"bench_fanout_redis: {args.posts} posts to {args.followers:,} followers with present "
        f"feeds holding {args.fill} posts, chunks of {FANOUT_CHUNK:,} (feeds made present in "
        f"{setup_s:.1f} s)"
    )
    print(f"  {'':<44}{'per second':>14}{'server CPU us/follower':>24}")
    print(f"  {'RedisFeedCache.add, followers written':<44}{rate:>14,.0f}{cpu_us:>24.2f}")
    print(
        f"  {'  the same, feeds also marked changed':<44}{tracked_rate:>14,.0f}"
        f"{tracked_cpu_us:>24.2f}"
    )
    print(f"  {'redis-benchmark -t zadd -n 100000 -q':<44}{baseline:>14,.0f}")
    print(f"  {'  the same with -P 16 (pipelined, context)':<44}{pipelined:>14,.0f}")
    print(f"  {'InMemoryFeedCache.add, followers written':<44}{memory_rate:>14,.0f}")
    verdict = "meets" if rate / baseline >= 0.5 else "MISSES"
    print(f"  ratio RedisFeedCache / redis-benchmark ZADD: {rate / baseline:.2f} ({verdict} 0.5)")
    tracked_verdict = "meets" if tracked_rate / baseline >= 0.5 else "MISSES"
    print(
        f"  ratio with the marks (the service's write path): {tracked_rate / baseline:.2f} "
        f"({tracked_verdict} 0.5)"
    )


if __name__ == "__main__":
    main()

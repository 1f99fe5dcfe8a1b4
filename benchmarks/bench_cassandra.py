"""Cassandra adapters against the bare driver running the same prepared statements.

Three figures, each beside its baseline measured in the same run against the same node:

- **post write**: ``CassandraPostStore.add`` of published posts from a pool of threads (the
  adapter is synchronous, so threads are the concurrency a service gives it), against the
  driver doing the same statements (the ``IF NOT EXISTS`` insert, the logged batch of the
  grid row, the counter) with ``execute_concurrent_with_args``, one wave per statement: the
  best concurrency the driver offers. Goal: a ratio of at least 0.7.
- **post page read**: ``get_many`` of 50 ids (concurrent reads plus decoding into ``Post``)
  against ``execute_concurrent_with_args`` of the same prepared ``SELECT`` for the same 50
  ids (rows left undecoded); one page at a time, and from several threads. Goal: 0.7.
- **feed hydration**: what a feed page of 50 asks Cassandra (the posts, their media
  records, their comment counts), p50 and p99 over many pages.

Starts a private Cassandra 5.0 (``tests/jvm_engines.py``; Java 17 and Maven) unless
``--port`` names a running one. The test launcher's JVM runs C1 only, which favours start
time over peak speed; both sides share it. Skips cleanly without Java or Maven.

Run: ``python benchmarks/bench_cassandra.py [--port P] [--posts N] [--pages N]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))  # works from a plain checkout too
sys.path.insert(0, str(ROOT))

from cassandra.concurrent import execute_concurrent, execute_concurrent_with_args  # noqa: E402
from cassandra.query import BatchStatement, BatchType  # noqa: E402

from instagram_adapters.cassandra.comments import CassandraCommentStore  # noqa: E402
from instagram_adapters.cassandra.media import CassandraMediaStore  # noqa: E402
from instagram_adapters.cassandra.migrate import apply_migrations  # noqa: E402
from instagram_adapters.cassandra.posts import (  # noqa: E402
    INDEX,
    INSERT,
    SELECT_ONE,
    CassandraPostStore,
    columns,
)
from instagram_adapters.cassandra.session import CassandraSession  # noqa: E402
from instagram_adapters.cassandra.settings import CassandraSettings  # noqa: E402
from instagram_core.domain.ids import compose_id  # noqa: E402
from instagram_core.domain.media import Media, MediaStatus, MediaType, Variant  # noqa: E402
from instagram_core.domain.posts import Post, PostStatus  # noqa: E402

BASE_MS = 1_767_225_600_000  # 2026-01-01
T0 = datetime(2026, 1, 1, tzinfo=UTC)
THREADS = 32  # the adapter's writers / readers
DRIVER_CONCURRENCY = 128
_COUNT = "UPDATE author_post_counts SET published = published + ? WHERE author_id = ?"


@contextmanager
def cassandra(port: int | None) -> Iterator[int]:
    if port is not None:
        yield port
        return
    from tests.jvm_engines import start_cassandra

    server = start_cassandra()
    if server is None:
        print("skipped: Java 17 and Maven are needed to start Cassandra")
        sys.exit(0)
    try:
        yield server.port
    finally:
        server.stop()


def post(n: int, author: str) -> Post:
    return Post(
        compose_id(BASE_MS + n, n % 1024, 0),
        author,
        (compose_id(BASE_MS + n, 1, 1),),
        T0,
        caption="sunset at the beach #sunset #beach with @friend " * 2,
        hashtags=("sunset", "beach"),
        mentions=("friend",),
        status=PostStatus.PUBLISHED,
        published_at=T0,
    )


def media(post_: Post) -> Media:
    media_id = post_.media_ids[0]
    variants = tuple(
        Variant(name, f"{post_.author_id}/2026/01/{media_id}/{name}.jpg", size, size, "image/jpeg")
        for name, size in (("thumb_150", 150), ("small_320", 320), ("large_1080", 1080))
    )
    return Media(
        media_id,
        post_.author_id,
        MediaType.IMAGE,
        "image/jpeg",
        T0,
        status=MediaStatus.READY,
        post_id=post_.post_id,
        width=1080,
        height=1080,
        variants=variants,
        blurhash="LEHV6nWB2yk8pyo0adR*.7kCMdnj",
    )


def rate(count: int, run: Callable[[], object]) -> float:
    began = time.perf_counter()
    run()
    return count / (time.perf_counter() - began)


def bench_writes(db: CassandraSession, count: int) -> tuple[float, float]:
    store = CassandraPostStore(db)
    ours = [post(n, f"writer-{n % 50}") for n in range(count)]
    theirs = [post(count + n, f"driver-{n % 50}") for n in range(count)]

    def adapter() -> None:
        with ThreadPoolExecutor(THREADS) as pool:
            list(pool.map(store.add, ours))

    def driver() -> None:
        session = db.raw
        inserts = [columns(p) for p in theirs]
        run = execute_concurrent_with_args
        run(session, db.prepare(INSERT), inserts, concurrency=DRIVER_CONCURRENCY)
        index = db.prepare(INDEX)
        batches = []
        for p in theirs:
            batch = BatchStatement(batch_type=BatchType.LOGGED)
            batch.add(index, (p.author_id, p.post_id, p.status.value))
            batches.append((batch, None))
        execute_concurrent(session, batches, concurrency=DRIVER_CONCURRENCY)
        counts = [(1, p.author_id) for p in theirs]
        run(session, db.prepare(_COUNT), counts, concurrency=DRIVER_CONCURRENCY)

    return rate(count, adapter), rate(count, driver)


def bench_pages(db: CassandraSession, pages: int, ids: list[int]) -> dict[str, float]:
    store = CassandraPostStore(db)
    select = db.prepare(SELECT_ONE)
    page_ids = [ids[(n * 50) % (len(ids) - 50) :][:50] for n in range(pages)]

    def adapter_page(chunk: list[int]) -> None:
        assert len(store.get_many(chunk)) == 50

    def driver_page(chunk: list[int]) -> None:
        results = execute_concurrent_with_args(
            db.raw, select, [(i,) for i in chunk], concurrency=50
        )
        assert sum(len(list(r)) for _, r in results) == 50

    def serial(page: Callable[[list[int]], None]) -> Callable[[], None]:
        return lambda: [page(chunk) for chunk in page_ids]

    def parallel(page: Callable[[list[int]], None]) -> Callable[[], None]:
        def run() -> None:
            with ThreadPoolExecutor(8) as pool:
                list(pool.map(page, page_ids))

        return run

    return {
        "adapter, one page at a time": rate(pages, serial(adapter_page)),
        "driver, one page at a time": rate(pages, serial(driver_page)),
        "adapter, 8 threads": rate(pages, parallel(adapter_page)),
        "driver, 8 threads": rate(pages, parallel(driver_page)),
    }


def bench_hydration(db: CassandraSession, pages: int, posts: list[Post]) -> list[float]:
    post_store, media_store = CassandraPostStore(db), CassandraMediaStore(db)
    comments = CassandraCommentStore(db)
    times = []
    for n in range(pages):
        chunk = [p.post_id for p in posts[(n * 50) % (len(posts) - 50) :][:50]]
        began = time.perf_counter()
        found = post_store.get_many(chunk)
        media_store.get_many(m for p in found.values() for m in p.media_ids)
        comments.counts(chunk)
        times.append((time.perf_counter() - began) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, help="a running Cassandra's CQL port")
    parser.add_argument("--posts", type=int, default=3000)
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args()
    with cassandra(args.port) as port:
        keyspace = f"bench_{uuid.uuid4().hex[:8]}"
        settings = CassandraSettings(
            port=port, keyspace=keyspace, request_timeout=60.0, connect_timeout=60.0
        )
        apply_migrations(settings)
        db = CassandraSession.connect(settings, keyspace)
        try:
            warm = [post(10_000_000 + n, "warm") for n in range(200)]
            for p in warm:
                CassandraPostStore(db).add(p)
            ours, theirs = bench_writes(db, args.posts)
            print(f"post write ({args.posts} posts, {THREADS} threads vs driver waves):")
            print(f"  adapter {ours:8.0f} posts/s   driver {theirs:8.0f} posts/s", end="")
            print(f"   ratio {ours / theirs:.2f} (goal >= 0.7)")

            stored = [post(n, f"writer-{n % 50}") for n in range(args.posts)]
            media_store = CassandraMediaStore(db)
            with ThreadPoolExecutor(THREADS) as pool:
                list(pool.map(lambda p: media_store.add(media(p)), stored))
            ids = [p.post_id for p in stored]
            figures = bench_pages(db, args.pages, ids)
            print(f"post page read (50 ids, {args.pages} pages):")
            for mode in ("one page at a time", "8 threads"):
                ours, theirs = figures[f"adapter, {mode}"], figures[f"driver, {mode}"]
                print(
                    f"  {mode:20s} adapter {ours:7.0f} pages/s   driver {theirs:7.0f} pages/s",
                    end="",
                )
                print(f"   ratio {ours / theirs:.2f} (goal >= 0.7)")

            times = bench_hydration(db, args.pages, stored)
            p50 = statistics.median(times)
            p99 = statistics.quantiles(times, n=100)[98]
            what = "50 posts, their media and comment counts"
            print(f"feed hydration from Cassandra ({what}), {args.pages} pages:")
            print(f"  p50 {p50:.1f} ms   p99 {p99:.1f} ms")
        finally:
            db.close()


if __name__ == "__main__":
    main()

"""Bucketed Cassandra partitions: pages cross bucket boundaries without gaps or repeats, and
no bucket holds more than its range of ids (so none outgrows its size bound).

The stores take a tiny bucket width here (a few ids), so a handful of rows spans many
buckets; production uses an hour of ids (``HOUR_OF_IDS``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instagram_adapters.cassandra.buckets import HOUR_OF_IDS, bucket_of, walk
from instagram_adapters.cassandra.comments import CassandraCommentStore
from instagram_adapters.cassandra.posts import CassandraPostStore
from instagram_adapters.cassandra.session import CassandraSession
from instagram_core.domain.comments import Comment
from instagram_core.domain.ids import compose_id
from instagram_core.domain.posts import Post, PostStatus
from tests.cassandra_support import fresh_session

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def comment(comment_id: int, post_id: int = 1) -> Comment:
    return Comment(comment_id, post_id, "ann", f"c{comment_id}", T0)


def test_an_hour_of_ids_is_one_bucket() -> None:
    start = compose_id(1_767_225_600_000, 0, 0)  # 2026-01-01T00:00Z
    same_hour = compose_id(1_767_225_600_000 + 3_599_999, 1023, 4095)
    next_hour = compose_id(1_767_225_600_000 + 3_600_000, 0, 0)
    assert bucket_of(start, HOUR_OF_IDS) == bucket_of(same_hour, HOUR_OF_IDS)
    assert bucket_of(next_hour, HOUR_OF_IDS) == bucket_of(start, HOUR_OF_IDS) + 1


def test_walk_reads_waves_of_growing_size_and_stops_at_the_limit() -> None:
    waves: list[list[int]] = []

    def read(wave: object) -> list[list[int]]:
        assert isinstance(wave, list)
        waves.append(wave)
        return [[b * 10, b * 10 + 1] for b in wave]

    assert walk(iter(range(100)), read, 9) == [0, 1, 10, 11, 20, 21, 30, 31, 40]
    assert waves == [[0], [1, 2], [3, 4, 5, 6]]
    assert walk(iter([]), read, 5) == []


@pytest.mark.parametrize("width", [1, 4, 50])
def test_a_thread_spread_over_many_buckets_pages_in_order(
    request: pytest.FixtureRequest, width: int
) -> None:
    session = fresh_session(request, "comments")
    store = CassandraCommentStore(session, width)
    ids = [3, 4, 5, 97, 98, 250, 251, 252, 253, 999, 10_000, 10_001]
    for comment_id in reversed(ids):
        store.add(comment(comment_id))
    store.add(comment(7, post_id=2))
    seen: list[int] = []
    after: int | None = None
    while page := store.list(1, after, 5):
        seen.extend(c.comment_id for c in page)
        after = page[-1].comment_id
    assert seen == ids
    assert [c.comment_id for c in store.list(1, 98, 3)] == [250, 251, 252]
    assert store.counts([1, 2]) == {1: len(ids), 2: 1}
    # Every bucket partition holds only its own range of ids.
    for bucket in {bucket_of(i, width) for i in ids}:
        rows = session.execute(
            "SELECT comment_id FROM comments_by_bucket WHERE post_id = 1 AND bucket = ?",
            (bucket,),
        )
        assert {r.comment_id for r in rows} == {i for i in ids if bucket_of(i, width) == bucket}
    store.forget_post(1)
    assert store.list(1, None, 50) == []
    assert [c.comment_id for c in store.list(2, None, 50)] == [7]


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    ids=st.lists(st.integers(min_value=0, max_value=400), unique=True, max_size=30),
    width=st.integers(min_value=1, max_value=40),
    limit=st.integers(min_value=1, max_value=8),
)
def test_comment_pages_across_buckets_have_no_gaps_or_repeats(
    request: pytest.FixtureRequest, ids: list[int], width: int, limit: int
) -> None:
    store = CassandraCommentStore(fresh_session(request, "comments"), width)
    for comment_id in ids:
        store.add(comment(comment_id))
    seen: list[int] = []
    after: int | None = None
    while page := store.list(1, after, limit):
        assert len(page) <= limit
        seen.extend(c.comment_id for c in page)
        after = page[-1].comment_id
    assert seen == sorted(ids)


def queued_buckets(session: CassandraSession, status: str) -> list[int]:
    rows = session.execute("SELECT bucket FROM post_status_buckets WHERE status = ?", (status,))
    return [row.bucket for row in rows]


def test_the_recovery_queue_walks_buckets_and_forgets_the_emptied_ones(
    request: pytest.FixtureRequest,
) -> None:
    session = fresh_session(request, "posts")
    store = CassandraPostStore(session, processing_bucket_us=1_000_000)  # a second a bucket
    posts = [
        Post(n, "ann", (n,), T0 + timedelta(seconds=n), status=PostStatus.PROCESSING)
        for n in range(1, 13)
    ]
    for post in reversed(posts):
        store.add(post)
    assert [p.post_id for p in store.by_status(PostStatus.PROCESSING, 5)] == [1, 2, 3, 4, 5]
    for post in posts[:8]:
        store.update(attrs.evolve(post, status=PostStatus.PUBLISHED))
    assert [p.post_id for p in store.by_status(PostStatus.PROCESSING, 3)] == [9, 10, 11]
    # The walk dropped the emptied buckets it read from the index (never the newest).
    listed = queued_buckets(session, "processing")
    assert len(listed) == 4
    assert [p.post_id for p in store.by_status(PostStatus.PROCESSING, 10)] == [9, 10, 11, 12]
    # A post landing in a forgotten bucket lists it again.
    store.update(attrs.evolve(posts[0], status=PostStatus.PROCESSING))
    assert [p.post_id for p in store.by_status(PostStatus.PROCESSING, 10)] == [1, 9, 10, 11, 12]
    # Settling everything but the newest leaves only the newest bucket listed.
    for post in posts[:11]:
        store.update(attrs.evolve(post, status=PostStatus.PUBLISHED))
    assert [p.post_id for p in store.by_status(PostStatus.PROCESSING, 10)] == [12]
    assert len(queued_buckets(session, "processing")) == 1

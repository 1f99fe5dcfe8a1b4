"""The best-effort lane: hints reach their handlers in batches, off the publishing thread,
with bounded memory, and a stop writes what is buffered."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from instagram_adapters.memory.best_effort import BestEffortLane, BestEffortRouter
from instagram_adapters.memory.event_bus import SynchronousEventBus
from instagram_core.domain.events import (
    BEST_EFFORT_MESSAGES,
    FeedPageShown,
    FollowCreated,
    PostLiked,
)


class Recorder:
    """A handler that records what it got, and a scope that counts the batches."""

    def __init__(self) -> None:
        self.seen: list[FeedPageShown] = []
        self.scopes = 0
        self.in_scope = False
        self.outside_scope = 0
        self.threads: set[int] = set()

    def handle(self, event: FeedPageShown) -> None:
        if not self.in_scope:
            self.outside_scope += 1
        self.threads.add(threading.get_ident())
        self.seen.append(event)

    @contextmanager
    def scope(self) -> Iterator[None]:
        self.scopes += 1
        self.in_scope = True
        try:
            yield
        finally:
            self.in_scope = False


def shown(i: int) -> FeedPageShown:
    return FeedPageShown(f"v{i}", (i, i + 1))


def lane_for(rec: Recorder, **kwargs: Any) -> BestEffortLane:
    return BestEffortLane({FeedPageShown: [rec.handle]}, scope=rec.scope, **kwargs)


def test_only_hints_are_best_effort() -> None:
    assert FeedPageShown in BEST_EFFORT_MESSAGES
    assert PostLiked not in BEST_EFFORT_MESSAGES
    assert FollowCreated not in BEST_EFFORT_MESSAGES


def test_marks_are_written_in_batches_one_scope_each() -> None:
    rec = Recorder()
    lane = lane_for(rec, batch=128, capacity=1000)
    for i in range(300):
        lane.publish(shown(i))
    assert rec.seen == []  # publishing writes nothing
    assert lane.flush()
    assert rec.seen == [shown(i) for i in range(300)]
    assert rec.scopes == 3  # 128 + 128 + 44, one transaction each
    assert rec.outside_scope == 0
    assert lane.pending() == 0


def test_the_writer_thread_flushes_on_its_interval_off_the_publishing_thread() -> None:
    rec = Recorder()
    lane = lane_for(rec, flush_every=0.01, batch=128, capacity=1000)
    lane.start()
    try:
        lane.publish(shown(1))
        assert lane.flush(timeout=10)
        assert rec.seen == [shown(1)]
        assert threading.get_ident() not in rec.threads
    finally:
        lane.stop()


def test_stop_writes_everything_still_buffered() -> None:
    rec = Recorder()
    # An interval far beyond the test: only the stop can have written the marks.
    lane = lane_for(rec, flush_every=3600, batch=500, capacity=1000)
    lane.start()
    for i in range(50):
        lane.publish(shown(i))
    lane.stop()
    assert rec.seen == [shown(i) for i in range(50)]
    lane.publish(shown(99))  # published after the writer ended: a later stop still writes it
    lane.stop()
    assert rec.seen[-1] == shown(99)


@settings(max_examples=50, deadline=None)
@given(capacity=st.integers(1, 40), published=st.integers(0, 120))
def test_memory_is_bounded_and_the_newest_hints_are_kept(capacity: int, published: int) -> None:
    rec = Recorder()
    lane = lane_for(rec, batch=1, capacity=capacity)
    for i in range(published):
        lane.publish(shown(i))
    assert lane.pending() == min(capacity, published)
    assert lane.dropped == max(0, published - capacity)
    lane.flush()
    assert rec.seen == [shown(i) for i in range(max(0, published - capacity), published)]
    assert lane.written + lane.dropped == published


def test_a_failing_hint_does_not_stop_the_others() -> None:
    rec = Recorder()

    def flaky(event: FeedPageShown) -> None:
        if event.viewer_id == "v3":
            raise RuntimeError("store hiccup")

    lane = BestEffortLane({FeedPageShown: [flaky, rec.handle]}, scope=rec.scope)
    for i in range(6):
        lane.publish(shown(i))
    lane.flush()
    assert [e.viewer_id for e in rec.seen] == [f"v{i}" for i in range(6)]
    assert lane.failed == 1


def test_a_failed_batch_is_dropped_and_the_lane_goes_on() -> None:
    rec = Recorder()
    calls = 0

    @contextmanager
    def failing_commit() -> Iterator[None]:
        nonlocal calls
        calls += 1
        yield
        if calls == 1:
            raise OSError("disk full")

    lane = BestEffortLane({FeedPageShown: [rec.handle]}, scope=failing_commit, batch=2)
    for i in range(4):
        lane.publish(shown(i))
    lane.flush()
    assert lane.failed == 2
    assert lane.written == 2
    assert lane.pending() == 0


def test_concurrent_publishers_lose_nothing_within_capacity() -> None:
    rec = Recorder()
    lane = lane_for(rec, flush_every=0.005, batch=64, capacity=10_000)
    lane.start()
    try:

        def publisher(k: int) -> None:
            for i in range(200):
                lane.publish(shown(k * 1000 + i))

        threads = [threading.Thread(target=publisher, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert lane.flush(timeout=30)
    finally:
        lane.stop()
    assert sorted(e.post_ids[0] for e in rec.seen) == sorted(
        k * 1000 + i for k in range(8) for i in range(200)
    )
    assert lane.dropped == 0


def test_the_router_sends_hints_to_the_lane_and_the_rest_to_the_durable_bus() -> None:
    durable_got: list[object] = []
    durable = SynchronousEventBus({PostLiked: [durable_got.append]})
    rec = Recorder()
    lane = lane_for(rec)
    router = BestEffortRouter(durable, lane, BEST_EFFORT_MESSAGES)
    like = PostLiked(1, "ann", "bob")
    router.publish(like)
    router.publish(shown(1))
    assert durable_got == [like]
    assert lane.pending() == 1
    lane.flush()
    assert rec.seen == [shown(1)]

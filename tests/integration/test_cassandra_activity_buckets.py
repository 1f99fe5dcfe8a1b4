"""The Activity tab's bounded partitions on a real Cassandra (migration 0007): a burst of
likes rewrites one row in place, a group crossing into a new bucket moves with one delete,
pages across tiny buckets agree with the in-memory store, racing collapses across a bucket
boundary leave exactly one row, and a run's actor set spreads over its shards."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instagram_adapters.cassandra.notifications import (
    ACTOR_SHARDS,
    CassandraNotificationStore,
    shard_of,
)
from instagram_adapters.cassandra.session import CassandraSession
from instagram_adapters.memory.notifications import InMemoryNotificationStore
from instagram_core.domain.notifications import Notification, NotificationKind
from instagram_core.ports import NotificationStore
from tests.cassandra_support import fresh_session
from tests.races import race

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def like(
    notification_id: int, actors: tuple[str, ...], post_id: int = 7, group_id: int | None = None
) -> Notification:
    return Notification(
        notification_id=notification_id,
        recipient_id="star",
        kind=NotificationKind.LIKE,
        group_key=f"like:{post_id}",
        actor_ids=actors[:3],
        actor_count=len(actors),
        created_at=T0,
        post_id=post_id,
        group_id=notification_id if group_id is None else group_id,
    )


def activity_rows(session: CassandraSession, bucket: int) -> list[int]:
    rows = session.execute(
        "SELECT notification_id FROM activity WHERE recipient_id = 'star' AND bucket = ?",
        (bucket,),
    )
    return sorted(row.notification_id for row in rows)


def collapse(store: NotificationStore, notification_id: int, actor: str, post_id: int = 7) -> bool:
    """What the service does for a like joining its group's run."""
    latest = store.latest_in_group("star", f"like:{post_id}")
    assert latest is not None
    merged = like(notification_id, (actor, *latest.actor_ids), post_id, latest.group_id)
    merged = attrs.evolve(merged, actor_count=latest.actor_count + 1)
    return store.advance_group(latest.notification_id, merged, replace_expected=True)


def test_a_burst_of_likes_in_one_bucket_rewrites_one_row(request: pytest.FixtureRequest) -> None:
    session = fresh_session(request, "notifications")
    store = CassandraNotificationStore(session, bucket_width=1000)
    assert store.advance_group(None, like(100, ("a100",)), replace_expected=False)
    for n in range(101, 200):
        assert collapse(store, n, f"a{n}")
    assert activity_rows(session, 0) == [199]  # one row, rewritten in place 99 times
    [only] = store.list("star", None, 10)
    assert (only.notification_id, only.actor_count, only.group_id) == (199, 100, 100)
    # The next like falls in the next bucket: the row moves there (one delete).
    assert collapse(store, 1000, "z")
    assert activity_rows(session, 0) == []
    assert activity_rows(session, 1) == [1000]
    assert [n.notification_id for n in store.list("star", None, 10)] == [1000]
    latest = store.latest_in_group("star", "like:7")
    assert latest is not None
    assert (latest.notification_id, latest.actor_count, latest.group_id) == (1000, 101, 100)
    assert [n.notification_id for n in store.newer_than("star", 199, 10)] == [1000]


def test_racing_collapses_across_a_bucket_boundary_leave_one_row(
    request: pytest.FixtureRequest,
) -> None:
    session = fresh_session(request, "notifications")
    store = CassandraNotificationStore(session, bucket_width=10)
    store.add(like(8, ("a",)))
    # Ids 9 (same bucket as 8: an overwrite) race ids 10..16 (the next bucket: a move).
    results = race(
        *[
            lambda i=i: store.advance_group(8, like(9 + i, ("b", "a")), replace_expected=True)
            for i in range(8)
        ]
    )
    assert sorted(results) == [False] * 7 + [True]
    winner = 9 + results.index(True)
    assert [n.notification_id for n in store.list("star", None, 20)] == [winner]
    assert activity_rows(session, 0) + activity_rows(session, 1) == [winner]


@pytest.mark.parametrize(
    ("width", "late_id", "next_id"),
    [(1000, 9, 10), (10, 12, 25)],
    ids=["overwrite-in-place", "across-buckets"],
)
def test_a_winner_s_rows_landing_late_never_bring_back_an_older_state(
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    width: int,
    late_id: int,
    next_id: int,
) -> None:
    """A wins the head, then stalls before its row batch; B advances from A's head and
    writes its rows; A's batch lands last. Rows carry their id as write timestamp, so the
    Activity tab shows B's state, once."""
    session = fresh_session(request, "notifications")
    store = CassandraNotificationStore(session, bucket_width=width)
    store.add(like(8, ("a",)))
    held: list[Sequence[tuple[str, Sequence[Any]]]] = []
    real_batch = session.batch
    monkeypatch.setattr(session, "batch", held.append)
    assert collapse(store, late_id, "b")  # A: head moved, rows held back
    monkeypatch.undo()
    assert collapse(store, next_id, "c")  # B: from A's head
    [late] = held
    real_batch(late)
    [shown] = store.list("star", None, 10)
    assert (shown.notification_id, shown.actor_count) == (next_id, 3)
    assert store.latest_in_group("star", "like:7") == shown


@pytest.mark.parametrize(
    ("width", "lost_id", "next_id", "shown"),
    [(1000, 9, 10, [10]), (10, 12, 15, [15, 8]), (10, 12, 25, [25, 8])],
    ids=["same-bucket", "next-in-the-lost-row-s-bucket", "next-in-a-newer-bucket"],
)
def test_a_writer_dying_after_the_head_moved_is_repaired_by_the_next_advance(
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    width: int,
    lost_id: int,
    next_id: int,
    shown: list[int],
) -> None:
    """A's row batch never happens; B's advance writes B's row where a page finds it (at
    worst beside the row A should have replaced), and the group's latest is B."""
    session = fresh_session(request, "notifications")
    store = CassandraNotificationStore(session, bucket_width=width)
    store.add(like(8, ("a",)))
    monkeypatch.setattr(session, "batch", lambda writes: None)
    assert collapse(store, lost_id, "b")
    monkeypatch.undo()
    assert collapse(store, next_id, "c")
    page = store.list("star", None, 10)
    assert [n.notification_id for n in page] == shown
    assert page[0].actor_count == 3
    assert store.latest_in_group("star", "like:7") == page[0]


operations = st.lists(
    st.tuples(
        st.sampled_from(["collapse", "collapse", "new_run"]),
        st.integers(min_value=1, max_value=4),  # which post's group
    ),
    max_size=25,
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations, width=st.integers(min_value=1, max_value=12), limit=st.integers(1, 5))
def test_activity_pages_across_buckets_match_the_in_memory_store(
    request: pytest.FixtureRequest, ops: list[tuple[str, int]], width: int, limit: int
) -> None:
    """The service's writes (a group's first notification, a collapse, a new run) on
    Cassandra with tiny buckets and in memory: every page, every ``newer_than`` and every
    group's latest agree."""
    ours = CassandraNotificationStore(fresh_session(request, "notifications"), width)
    model = InMemoryNotificationStore()
    for step, (op, post_id) in enumerate(ops, start=1):
        notification_id = step * 3  # gaps, so buckets of width > 3 hold several ids
        latest = model.latest_in_group("star", f"like:{post_id}")
        assert ours.latest_in_group("star", f"like:{post_id}") == latest
        expected = None if latest is None else latest.notification_id
        if op == "collapse" and latest is not None:
            merged = like(
                notification_id, (f"u{step}", *latest.actor_ids), post_id, latest.group_id
            )
            outcomes = {s.advance_group(expected, merged, True) for s in (ours, model)}
        else:
            fresh = like(notification_id, (f"u{step}",), post_id)
            outcomes = {s.advance_group(expected, fresh, False) for s in (ours, model)}
        assert outcomes == {True}
    before: int | None = None
    while True:
        page = ours.list("star", before, limit)
        assert page == model.list("star", before, limit)
        if not page:
            break
        before = page[-1].notification_id
    for n in model.list("star", None, 100):
        after = n.notification_id - 1
        assert ours.newer_than("star", after, limit) == model.newer_than("star", after, limit)


def test_a_run_s_actor_set_spreads_over_its_shards(request: pytest.FixtureRequest) -> None:
    session = fresh_session(request, "notifications")
    store = CassandraNotificationStore(session)
    actors = [f"fan{n}" for n in range(500)]
    assert all(store.add_actor("star", 1, actor) for actor in actors)
    assert not any(store.add_actor("star", 1, actor) for actor in actors[::50])
    assert len({shard_of(actor) for actor in actors}) == ACTOR_SHARDS
    candidates = {*actors[::7], "stranger", "fan500"}
    assert store.actors_among("star", 1, candidates) == set(actors[::7])
    assert store.actors_among("star", 2, candidates) == set()
    widest = max(
        session.execute(
            "SELECT COUNT(*) AS n FROM notification_actors"
            " WHERE recipient_id = 'star' AND group_id = 1 AND shard = ?",
            (shard,),
        )
        .one()
        .n
        for shard in range(ACTOR_SHARDS)
    )
    assert widest < 500 // 4  # no partition holds the whole set

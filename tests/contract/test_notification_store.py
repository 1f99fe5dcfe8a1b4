"""Contract of :class:`~instagram_core.ports.NotificationStore`, run against every adapter."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instagram_adapters.cassandra.notifications import CassandraNotificationStore
from instagram_adapters.memory.notifications import InMemoryNotificationStore
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_adapters.sqlite.notifications import SqliteNotificationStore
from instagram_core.domain.errors import Conflict
from instagram_core.domain.notifications import Notification, NotificationKind
from instagram_core.ports import NotificationStore
from tests.cassandra_support import SMALL_BUCKETS, fresh_session
from tests.races import race

MakeStore = Callable[[], NotificationStore]
T0 = datetime(2024, 5, 1, 12, 0, 0, 111111, tzinfo=UTC)


@pytest.fixture(params=["memory", "sqlite", "cassandra", "cassandra_small_buckets"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MakeStore]:
    """A factory of fresh, empty stores (hypothesis needs one per example)."""
    databases: list[SqliteDatabase] = []

    def make() -> NotificationStore:
        if request.param == "memory":
            return InMemoryNotificationStore()
        if request.param == "cassandra":
            return CassandraNotificationStore(fresh_session(request, "notifications"))
        if request.param == "cassandra_small_buckets":  # most tests cross bucket boundaries
            session = fresh_session(request, "notifications")
            return CassandraNotificationStore(session, bucket_width=SMALL_BUCKETS)
        databases.append(SqliteDatabase(tmp_path / f"notifications-{len(databases)}.db"))
        return SqliteNotificationStore(databases[-1])

    yield make
    for db in databases:
        db.close()


@pytest.fixture
def store(make_store: MakeStore) -> NotificationStore:
    return make_store()


def like(
    notification_id: int,
    recipient_id: str = "alice",
    post_id: int = 7,
    actors: tuple[str, ...] = ("bob",),
) -> Notification:
    return Notification(
        notification_id=notification_id,
        recipient_id=recipient_id,
        kind=NotificationKind.LIKE,
        group_key=f"like:{post_id}",
        actor_ids=actors,
        actor_count=len(actors),
        created_at=T0 + timedelta(milliseconds=notification_id),
        post_id=post_id,
    )


def follow(notification_id: int, recipient_id: str = "alice") -> Notification:
    return Notification(
        notification_id=notification_id,
        recipient_id=recipient_id,
        kind=NotificationKind.FOLLOW,
        group_key="follow",
        actor_ids=("carol",),
        actor_count=1,
        created_at=T0,
    )


def ids(notifications: object) -> list[int]:
    assert isinstance(notifications, list | tuple)
    return [n.notification_id for n in notifications]


def test_add_stores_the_notification_as_given(store: NotificationStore) -> None:
    collapsed = like(1, actors=("bob", "dave", "erin"))
    mention = Notification(2, "alice", NotificationKind.MENTION, "mention:9", ("bob",), 1, T0, 7, 9)
    store.add(collapsed)
    store.add(mention)
    assert list(store.list("alice", None, 10)) == [mention, collapsed]


def test_add_raises_conflict_if_the_id_exists(store: NotificationStore) -> None:
    store.add(like(1))
    with pytest.raises(Conflict):
        store.add(follow(1))
    assert list(store.list("alice", None, 10)) == [like(1)]


def test_latest_in_group_is_the_newest_of_the_group(store: NotificationStore) -> None:
    store.add(like(1))
    store.add(like(3, actors=("dave", "bob")))
    store.add(like(2, post_id=8))
    store.add(follow(4))
    assert store.latest_in_group("alice", "like:7") == like(3, actors=("dave", "bob"))
    assert store.latest_in_group("alice", "follow") == follow(4)


def test_latest_in_group_is_none_without_one(store: NotificationStore) -> None:
    store.add(like(1, recipient_id="bob"))
    assert store.latest_in_group("alice", "like:7") is None
    assert store.latest_in_group("bob", "like:8") is None


def test_replace_removes_old_id_and_adds_the_notification(store: NotificationStore) -> None:
    store.add(like(1))
    store.add(follow(2))
    collapsed = like(3, actors=("dave", "bob"))
    store.replace(1, collapsed)
    assert list(store.list("alice", None, 10)) == [collapsed, follow(2)]
    assert store.latest_in_group("alice", "like:7") == collapsed


def test_replace_adds_when_old_id_is_already_gone(store: NotificationStore) -> None:
    store.replace(1, like(3))
    assert list(store.list("alice", None, 10)) == [like(3)]


def test_replace_only_removes_old_id_of_the_same_recipient(store: NotificationStore) -> None:
    store.add(like(1, recipient_id="bob"))
    store.replace(1, like(3))
    assert list(store.list("bob", None, 10)) == [like(1, recipient_id="bob")]


def test_replace_with_the_same_id_overwrites(store: NotificationStore) -> None:
    store.add(like(1))
    store.replace(1, like(1, actors=("dave", "bob")))
    assert list(store.list("alice", None, 10)) == [like(1, actors=("dave", "bob"))]


def test_replace_onto_another_existing_id_conflicts_and_changes_nothing(
    store: NotificationStore,
) -> None:
    """Not in the port's docstring; pinned so every adapter agrees (atomic: all or nothing)."""
    store.add(like(1))
    store.add(follow(2))
    with pytest.raises(Conflict):
        store.replace(1, like(2, actors=("dave", "bob")))
    assert list(store.list("alice", None, 10)) == [follow(2), like(1)]


def test_list_is_newest_first_below_before_exclusive(store: NotificationStore) -> None:
    for notification_id in (20, 40, 10, 30):
        store.add(like(notification_id))
    assert ids(store.list("alice", None, 10)) == [40, 30, 20, 10]
    assert ids(store.list("alice", 30, 10)) == [20, 10]
    assert ids(store.list("alice", 25, 1)) == [20]
    assert ids(store.list("alice", 10, 10)) == []


def test_list_returns_at_most_limit_of_the_recipient(store: NotificationStore) -> None:
    for notification_id in range(1, 6):
        store.add(like(notification_id))
    store.add(like(9, recipient_id="bob"))
    assert ids(store.list("alice", None, 2)) == [5, 4]
    assert ids(store.list("bob", None, 10)) == [9]
    assert ids(store.list("carol", None, 10)) == []


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    notification_ids=st.sets(st.integers(min_value=0, max_value=2**63 - 1), max_size=20),
    limit=st.integers(min_value=1, max_value=6),
)
def test_paging_with_before_yields_every_notification_once_newest_first(
    make_store: MakeStore, notification_ids: set[int], limit: int
) -> None:
    store = make_store()
    for notification_id in notification_ids:
        store.add(follow(notification_id))
    seen: list[int] = []
    before: int | None = None
    while page := store.list("alice", before, limit):
        assert len(page) <= limit
        seen.extend(n.notification_id for n in page)
        before = page[-1].notification_id
    assert seen == sorted(notification_ids, reverse=True)


def test_sqlite_notifications_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "notifications.db"
    db = SqliteDatabase(path)
    SqliteNotificationStore(db).add(like(1, actors=("bob", "dave")))
    db.close()

    reopened = SqliteDatabase(path)
    try:
        again = SqliteNotificationStore(reopened)
        assert again.latest_in_group("alice", "like:7") == like(1, actors=("bob", "dave"))
        assert list(again.list("alice", None, 10)) == [like(1, actors=("bob", "dave"))]
    finally:
        reopened.close()


def test_group_id_survives_a_replace(store: NotificationStore) -> None:
    store.add(like(1))
    moved = attrs.evolve(like(5, actors=("dave", "bob")), group_id=1)
    store.replace(1, moved)
    assert store.latest_in_group("alice", "like:7") == moved
    assert [n.group_id for n in store.list("alice", None, 10)] == [1]


def test_newer_than_is_newest_first_above_after_exclusive(store: NotificationStore) -> None:
    for notification_id in (20, 40, 10, 30):
        store.add(like(notification_id))
    store.add(like(50, recipient_id="bob"))
    assert ids(store.newer_than("alice", 20, 10)) == [40, 30]
    assert ids(store.newer_than("alice", 0, 2)) == [40, 30]
    assert ids(store.newer_than("alice", 40, 10)) == []
    assert ids(store.newer_than("carol", 0, 10)) == []


def test_add_actor_is_true_once_per_actor_of_a_group(store: NotificationStore) -> None:
    assert store.add_actor("alice", 1, "bob") is True
    assert store.add_actor("alice", 1, "bob") is False
    assert store.add_actor("alice", 1, "dave") is True
    assert store.add_actor("alice", 2, "bob") is True  # another group
    assert store.add_actor("carol", 1, "bob") is True  # another recipient
    assert store.actors_among("alice", 1, {"bob", "dave", "erin"}) == {"bob", "dave"}
    assert store.actors_among("alice", 2, {"dave"}) == set()
    assert store.actors_among("alice", 3, {"bob"}) == set()
    assert store.actors_among("alice", 1, set()) == set()


def test_concurrent_adds_of_one_actor_give_exactly_one_true(store: NotificationStore) -> None:
    results = race(*[lambda: store.add_actor("alice", 9, "bob")] * 8)
    assert sorted(results) == [False] * 7 + [True]


def test_read_mark_starts_at_zero_and_only_rises(store: NotificationStore) -> None:
    assert store.read_up_to("alice") == 0
    store.mark_read("alice", 30)
    store.mark_read("alice", 10)
    assert store.read_up_to("alice") == 30
    store.mark_read("alice", 40)
    assert store.read_up_to("alice") == 40
    assert store.read_up_to("bob") == 0


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(marks=st.lists(st.integers(min_value=1, max_value=2**63 - 1), min_size=1, max_size=8))
def test_the_read_mark_is_the_highest_mark_in_any_order(
    make_store: MakeStore, marks: list[int]
) -> None:
    store = make_store()
    for mark in marks:
        store.mark_read("alice", mark)
    assert store.read_up_to("alice") == max(marks)


def test_advance_group_adds_a_first_and_replaces_or_keeps_the_expected(
    store: NotificationStore,
) -> None:
    assert store.advance_group(None, like(1), replace_expected=False) is True
    assert store.advance_group(None, like(2), replace_expected=False) is False  # not empty
    moved = attrs.evolve(like(3, actors=("dave", "bob")), group_id=1)
    assert store.advance_group(1, moved, replace_expected=True) is True
    assert ids(store.list("alice", None, 10)) == [3]
    assert store.latest_in_group("alice", "like:7") == moved
    assert store.advance_group(1, like(4), replace_expected=True) is False  # stale expectation
    assert store.advance_group(3, like(5), replace_expected=False) is True  # a new run
    assert ids(store.list("alice", None, 10)) == [5, 3]
    assert store.latest_in_group("alice", "like:7") == like(5)
    assert store.advance_group(None, follow(6), replace_expected=False) is True  # another group


def test_of_racing_advances_from_one_expectation_exactly_one_wins(
    store: NotificationStore,
) -> None:
    store.add(like(1))
    results = race(
        *[lambda i=i: store.advance_group(1, like(10 + i), replace_expected=True) for i in range(8)]
    )
    assert sorted(results) == [False] * 7 + [True]
    winner = 10 + results.index(True)
    assert ids(store.list("alice", None, 20)) == [winner]
    latest = store.latest_in_group("alice", "like:7")
    assert latest is not None
    assert latest.notification_id == winner


def test_of_racing_first_advances_exactly_one_wins(store: NotificationStore) -> None:
    results = race(
        *[
            lambda i=i: store.advance_group(None, like(10 + i), replace_expected=False)
            for i in range(8)
        ]
    )
    assert sorted(results) == [False] * 7 + [True]
    assert ids(store.list("alice", None, 20)) == [10 + results.index(True)]

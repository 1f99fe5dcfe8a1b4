"""Contract of :class:`~instagram_core.ports.NotificationStore`.

Provide ``new_notification_store``: a fixture returning a factory of fresh, empty stores
(the property test needs one per example).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instagram_core.domain.errors import Conflict
from instagram_core.domain.notifications import Notification, NotificationKind
from instagram_core.policies.notification_batching import is_newest, moved_to_top
from instagram_core.ports import NotificationStore
from instagram_core.testing.hypothesis_settings import CONTRACT_HEALTH_CHECKS
from instagram_core.testing.races import race

MakeStore = Callable[[], NotificationStore]


T0 = datetime(2024, 5, 1, 12, 0, 0, 111111, tzinfo=UTC)


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


class NotificationStoreContract:
    """The behaviour every adapter of the port must show. Subclass it in a test module (as
    ``Test<YourAdapter>``) and provide the adapter's fixture: see the module docstring."""

    @pytest.fixture
    def store(self, new_notification_store: MakeStore) -> NotificationStore:
        return new_notification_store()

    def test_add_stores_the_notification_as_given(self, store: NotificationStore) -> None:
        collapsed = like(1, actors=("bob", "dave", "erin"))
        mention = Notification(
            2, "alice", NotificationKind.MENTION, "mention:9", ("bob",), 1, T0, 7, 9
        )
        store.add(collapsed)
        store.add(mention)
        assert list(store.list("alice", None, 10)) == [mention, collapsed]

    def test_add_raises_conflict_if_the_id_exists(self, store: NotificationStore) -> None:
        store.add(like(1))
        with pytest.raises(Conflict):
            store.add(follow(1))
        assert list(store.list("alice", None, 10)) == [like(1)]

    def test_latest_in_group_is_the_newest_of_the_group(self, store: NotificationStore) -> None:
        store.add(like(1))
        store.add(like(3, actors=("dave", "bob")))
        store.add(like(2, post_id=8))
        store.add(follow(4))
        assert store.latest_in_group("alice", "like:7") == like(3, actors=("dave", "bob"))
        assert store.latest_in_group("alice", "follow") == follow(4)

    def test_latest_in_group_is_none_without_one(self, store: NotificationStore) -> None:
        store.add(like(1, recipient_id="bob"))
        assert store.latest_in_group("alice", "like:7") is None
        assert store.latest_in_group("bob", "like:8") is None

    def test_replace_removes_old_id_and_adds_the_notification(
        self, store: NotificationStore
    ) -> None:
        store.add(like(1))
        store.add(follow(2))
        collapsed = like(3, actors=("dave", "bob"))
        store.replace(1, collapsed)
        assert list(store.list("alice", None, 10)) == [collapsed, follow(2)]
        assert store.latest_in_group("alice", "like:7") == collapsed

    def test_replace_adds_when_old_id_is_already_gone(self, store: NotificationStore) -> None:
        store.replace(1, like(3))
        assert list(store.list("alice", None, 10)) == [like(3)]

    def test_replace_only_removes_old_id_of_the_same_recipient(
        self, store: NotificationStore
    ) -> None:
        store.add(like(1, recipient_id="bob"))
        store.replace(1, like(3))
        assert list(store.list("bob", None, 10)) == [like(1, recipient_id="bob")]

    def test_replace_with_the_same_id_overwrites(self, store: NotificationStore) -> None:
        store.add(like(1))
        store.replace(1, like(1, actors=("dave", "bob")))
        assert list(store.list("alice", None, 10)) == [like(1, actors=("dave", "bob"))]

    def test_replace_onto_another_existing_id_conflicts_and_changes_nothing(
        self,
        store: NotificationStore,
    ) -> None:
        """Not in the port's docstring; pinned so every adapter agrees (atomic: all or nothing)."""
        store.add(like(1))
        store.add(follow(2))
        with pytest.raises(Conflict):
            store.replace(1, like(2, actors=("dave", "bob")))
        assert list(store.list("alice", None, 10)) == [follow(2), like(1)]

    def test_list_is_newest_first_below_before_exclusive(self, store: NotificationStore) -> None:
        for notification_id in (20, 40, 10, 30):
            store.add(like(notification_id))
        assert ids(store.list("alice", None, 10)) == [40, 30, 20, 10]
        assert ids(store.list("alice", 30, 10)) == [20, 10]
        assert ids(store.list("alice", 25, 1)) == [20]
        assert ids(store.list("alice", 10, 10)) == []

    def test_list_returns_at_most_limit_of_the_recipient(self, store: NotificationStore) -> None:
        for notification_id in range(1, 6):
            store.add(like(notification_id))
        store.add(like(9, recipient_id="bob"))
        assert ids(store.list("alice", None, 2)) == [5, 4]
        assert ids(store.list("bob", None, 10)) == [9]
        assert ids(store.list("carol", None, 10)) == []

    @settings(max_examples=30, deadline=None, suppress_health_check=[*CONTRACT_HEALTH_CHECKS])
    @given(
        notification_ids=st.sets(st.integers(min_value=0, max_value=2**63 - 1), max_size=20),
        limit=st.integers(min_value=1, max_value=6),
    )
    def test_paging_with_before_yields_every_notification_once_newest_first(
        self, new_notification_store: MakeStore, notification_ids: set[int], limit: int
    ) -> None:
        store = new_notification_store()
        for notification_id in notification_ids:
            store.add(follow(notification_id))
        seen: list[int] = []
        before: int | None = None
        while page := store.list("alice", before, limit):
            assert len(page) <= limit
            seen.extend(n.notification_id for n in page)
            before = page[-1].notification_id
        assert seen == sorted(notification_ids, reverse=True)

    def test_group_id_survives_a_replace(self, store: NotificationStore) -> None:
        store.add(like(1))
        moved = attrs.evolve(like(5, actors=("dave", "bob")), group_id=1)
        store.replace(1, moved)
        assert store.latest_in_group("alice", "like:7") == moved
        assert [n.group_id for n in store.list("alice", None, 10)] == [1]

    def test_newer_than_is_newest_first_above_after_exclusive(
        self, store: NotificationStore
    ) -> None:
        for notification_id in (20, 40, 10, 30):
            store.add(like(notification_id))
        store.add(like(50, recipient_id="bob"))
        assert ids(store.newer_than("alice", 20, 10)) == [40, 30]
        assert ids(store.newer_than("alice", 0, 2)) == [40, 30]
        assert ids(store.newer_than("alice", 40, 10)) == []
        assert ids(store.newer_than("carol", 0, 10)) == []

    def test_add_actor_is_true_once_per_actor_of_a_group(self, store: NotificationStore) -> None:
        assert store.add_actor("alice", 1, "bob") is True
        assert store.add_actor("alice", 1, "bob") is False
        assert store.add_actor("alice", 1, "dave") is True
        assert store.add_actor("alice", 2, "bob") is True  # another group
        assert store.add_actor("carol", 1, "bob") is True  # another recipient
        assert store.actors_among("alice", 1, {"bob", "dave", "erin"}) == {"bob", "dave"}
        assert store.actors_among("alice", 2, {"dave"}) == set()
        assert store.actors_among("alice", 3, {"bob"}) == set()
        assert store.actors_among("alice", 1, set()) == set()

    def test_concurrent_adds_of_one_actor_give_exactly_one_true(
        self, store: NotificationStore
    ) -> None:
        results = race(*[lambda: store.add_actor("alice", 9, "bob")] * 8)
        assert sorted(results) == [False] * 7 + [True]

    def test_read_mark_starts_at_zero_and_only_rises(self, store: NotificationStore) -> None:
        assert store.read_up_to("alice") == 0
        store.mark_read("alice", 30)
        store.mark_read("alice", 10)
        assert store.read_up_to("alice") == 30
        store.mark_read("alice", 40)
        assert store.read_up_to("alice") == 40
        assert store.read_up_to("bob") == 0

    @settings(max_examples=20, deadline=None, suppress_health_check=[*CONTRACT_HEALTH_CHECKS])
    @given(marks=st.lists(st.integers(min_value=1, max_value=2**63 - 1), min_size=1, max_size=8))
    def test_the_read_mark_is_the_highest_mark_in_any_order(
        self, new_notification_store: MakeStore, marks: list[int]
    ) -> None:
        store = new_notification_store()
        for mark in marks:
            store.mark_read("alice", mark)
        assert store.read_up_to("alice") == max(marks)

    def test_advance_group_adds_a_first_and_replaces_or_keeps_the_expected(
        self, store: NotificationStore
    ) -> None:
        assert store.advance_group(None, like(1), replace_expected=False) is True
        assert store.advance_group(None, like(2), replace_expected=False) is False  # not empty
        moved = attrs.evolve(like(3, actors=("dave", "bob")), group_id=1)
        assert store.advance_group(1, moved, replace_expected=True) is True
        assert ids(store.list("alice", None, 10)) == [3]
        assert store.latest_in_group("alice", "like:7") == moved
        assert store.advance_group(1, like(4), replace_expected=True) is False  # stale
        assert store.advance_group(3, like(5), replace_expected=False) is True  # a new run
        assert ids(store.list("alice", None, 10)) == [5, 3]
        assert store.latest_in_group("alice", "like:7") == like(5)
        assert store.advance_group(None, follow(6), replace_expected=False) is True  # another

    def test_of_racing_advances_from_one_expectation_exactly_one_wins(
        self, store: NotificationStore
    ) -> None:
        store.add(like(1))
        results = race(
            *[
                lambda i=i: store.advance_group(1, like(10 + i), replace_expected=True)
                for i in range(8)
            ]
        )
        assert sorted(results) == [False] * 7 + [True]
        winner = 10 + results.index(True)
        assert ids(store.list("alice", None, 20)) == [winner]
        latest = store.latest_in_group("alice", "like:7")
        assert latest is not None
        assert latest.notification_id == winner

    def test_of_racing_first_advances_exactly_one_wins(self, store: NotificationStore) -> None:
        results = race(
            *[
                lambda i=i: store.advance_group(None, like(10 + i), replace_expected=False)
                for i in range(8)
            ]
        )
        assert sorted(results) == [False] * 7 + [True]
        assert ids(store.list("alice", None, 20)) == [10 + results.index(True)]

    def test_actor_times_are_kept_to_the_microsecond(self, store: NotificationStore) -> None:
        times = (T0 + timedelta(microseconds=3), T0 + timedelta(microseconds=1))
        timed = attrs.evolve(like(1, actors=("carol", "bob")), actor_times=times)
        store.add(timed)
        assert store.latest_in_group("alice", "like:7") == timed
        assert list(store.list("alice", None, 10)) == [timed]

    def test_actions_handled_out_of_order_still_list_newest_first(
        self, store: NotificationStore
    ) -> None:
        """Actions at T0+1..T0+4 handled in the order 3, 1, 4, 2, each folded in as the
        service does: the stored group lists its actors newest first, and keeps its id
        (its place) when the action handled is older than its newest."""
        acted = {n: T0 + timedelta(seconds=n) for n in (1, 2, 3, 4)}
        latest: Notification | None = None
        next_id = 100
        for n in (3, 1, 4, 2):
            actor = f"fan{n}"
            if latest is None:
                new = attrs.evolve(
                    like(next_id, actors=(actor,)), created_at=acted[n], actor_times=(acted[n],)
                )
                assert store.advance_group(None, new, replace_expected=False)
            else:
                next_id += 1
                newest = is_newest(latest, acted[n])
                new_id = next_id if newest else latest.notification_id
                new = moved_to_top(latest, new_id, actor, True, acted[n])
                assert store.advance_group(latest.notification_id, new, replace_expected=True)
            latest = store.latest_in_group("alice", "like:7")
            assert latest == new
        (listed,) = store.list("alice", None, 10)
        assert listed.actor_ids == ("fan4", "fan3", "fan2", "fan1")
        assert listed.actor_times == tuple(acted[n] for n in (4, 3, 2, 1))
        assert (listed.notification_id, listed.actor_count, listed.created_at) == (
            102,
            4,
            acted[4],
        )

    def test_advance_group_to_the_same_id_rewrites_it_in_place(
        self, store: NotificationStore
    ) -> None:
        store.add(like(5))
        store.add(like(6, post_id=8))
        rewritten = attrs.evolve(like(5, actors=("carol", "bob")), actor_count=2)
        assert store.advance_group(5, rewritten, replace_expected=True)
        assert ids(store.list("alice", None, 10)) == [6, 5]
        assert store.latest_in_group("alice", "like:7") == rewritten
        assert not store.advance_group(4, like(7), replace_expected=True)

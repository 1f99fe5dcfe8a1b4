"""``MySqlSocialGraph`` against ``InMemorySocialGraph``, step by step.

The contract suite checks sentences of the port; this drives both adapters through the
same random sequence of writes and compares every answer, pages and cursors included,
so a difference anywhere (tie-breaking, counters, status changes) shows up at the step
that caused it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import ClassVar

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from instagram_adapters.memory.social_graph import InMemorySocialGraph
from instagram_adapters.mysql.pool import MySqlPool
from instagram_adapters.mysql.social_graph import MySqlSocialGraph
from instagram_core.domain.pagination import Page
from instagram_core.domain.social import Follow, FollowStatus
from tests.mysql_support import mariadb, open_test_pool, register_accounts, reset

USERS = ("a", "b", "c", "d", "e")
T0 = datetime(2024, 5, 17, 9, 30, 12, 345678, tzinfo=UTC)

users = st.sampled_from(USERS)
statuses = st.sampled_from(FollowStatus)
limits = st.integers(1, 3)
PageFetch = Callable[[MySqlSocialGraph | InMemorySocialGraph, str | None], Page[Follow]]


def moment(seconds: int, utc_offset_hours: int) -> datetime:
    return (T0 + timedelta(seconds=seconds)).astimezone(timezone(timedelta(hours=utc_offset_hours)))


# Few distinct instants, so created_at ties (broken by id) are common; offsets vary the zone.
moments = st.builds(moment, st.integers(0, 3), st.sampled_from([0, -7, 5]))


@pytest.fixture(scope="module")
def mysql_pool(request: pytest.FixtureRequest) -> Iterator[MySqlPool]:
    pool = open_test_pool(mariadb(request))
    yield pool
    pool.close()


class GraphsAgree(RuleBasedStateMachine):
    pool: ClassVar[MySqlPool]  # set by a subclass per test: hypothesis instantiates the class

    def __init__(self) -> None:
        super().__init__()
        reset(self.pool)
        register_accounts(self.pool, *USERS)
        self.mysql = MySqlSocialGraph(self.pool)
        self.model = InMemorySocialGraph()

    @rule(follower=users, followee=users, status=statuses, at=moments)
    def put(self, follower: str, followee: str, status: FollowStatus, at: datetime) -> None:
        follow = Follow(follower, followee, status, at)
        assert self.mysql.put(follow) == self.model.put(follow)

    @rule(follower=users, followee=users)
    def remove(self, follower: str, followee: str) -> None:
        assert self.mysql.remove(follower, followee) == self.model.remove(follower, followee)

    @rule(follower=users, followee=users)
    def activate(self, follower: str, followee: str) -> None:
        assert self.mysql.activate(follower, followee) == self.model.activate(follower, followee)

    @rule(follower=users, followee=users)
    def get(self, follower: str, followee: str) -> None:
        assert self.mysql.get(follower, followee) == self.model.get(follower, followee)

    @rule(user=users, status=statuses, limit=limits)
    def followers_pages(self, user: str, status: FollowStatus, limit: int) -> None:
        self._same_pages(lambda graph, cursor: graph.followers(user, status, cursor, limit))

    @rule(user=users, limit=limits)
    def following_pages(self, user: str, limit: int) -> None:
        self._same_pages(lambda graph, cursor: graph.following(user, cursor, limit))

    @rule(user=users, after=st.none() | users | st.just("bz"), limit=st.integers(0, 3))
    def follower_ids_after(self, user: str, after: str | None, limit: int) -> None:
        assert self.mysql.follower_ids_after(user, after, limit) == list(
            self.model.follower_ids_after(user, after, limit)
        )

    @rule(user=users, more_than=st.integers(0, 3))
    def popular_followees(self, user: str, more_than: int) -> None:
        assert sorted(self.mysql.popular_followees(user, more_than)) == sorted(
            self.model.popular_followees(user, more_than)
        )

    @rule(user=users, asked=st.lists(st.sampled_from([*USERS, "nobody"]), max_size=7))
    def followed_among(self, user: str, asked: list[str]) -> None:
        assert self.mysql.followed_among(user, asked) == self.model.followed_among(user, asked)

    @invariant()
    def counts_and_following_ids_agree(self) -> None:
        for user in USERS:
            assert self.mysql.count_followers(user) == self.model.count_followers(user)
            assert self.mysql.count_following(user) == self.model.count_following(user)
            assert sorted(self.mysql.following_ids(user)) == sorted(self.model.following_ids(user))
        asked = [*USERS, "nobody", USERS[0]]
        assert self.mysql.follower_counts(asked) == self.model.follower_counts(asked)

    def _same_pages(self, fetch: PageFetch) -> None:
        """Walk both listings with the model's cursors; every page must be identical."""
        cursor: str | None = None
        while True:
            expected = fetch(self.model, cursor)
            assert fetch(self.mysql, cursor) == expected
            if expected.next_cursor is None:
                return
            cursor = expected.next_cursor


def test_mysql_graph_answers_like_the_in_memory_graph(mysql_pool: MySqlPool) -> None:
    class OnTheTestDatabase(GraphsAgree):
        pool = mysql_pool

    run_state_machine_as_test(
        OnTheTestDatabase,
        settings=settings(max_examples=40, stateful_step_count=30, deadline=None),
    )

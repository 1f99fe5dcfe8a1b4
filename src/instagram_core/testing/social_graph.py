"""Contract of :class:`~instagram_core.ports.SocialGraph`.

Provide ``new_social_graph``: a fixture returning a factory of fresh, empty graphs (the
property test needs one per example). Edges are put between bare user ids; an adapter whose
engine needs the accounts to exist first registers them in its fixture.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instagram_core.domain.errors import InvalidInput
from instagram_core.domain.pagination import Page
from instagram_core.domain.social import Follow, FollowStatus
from instagram_core.ports import SocialGraph
from instagram_core.testing.hypothesis_settings import CONTRACT_HEALTH_CHECKS
from instagram_core.testing.races import race

T0 = datetime(2024, 5, 17, 9, 30, tzinfo=UTC)


ACTIVE, PENDING = FollowStatus.ACTIVE, FollowStatus.PENDING


def edge(follower: str, followee: str, status: FollowStatus = ACTIVE, at: int = 0) -> Follow:
    """An edge created ``at`` seconds after T0."""
    return Follow(follower, followee, status, T0 + timedelta(seconds=at))


def all_pages(fetch: Callable[[str | None], Page[Follow]]) -> list[Follow]:
    items: list[Follow] = []
    cursor: str | None = None
    while True:
        page = fetch(cursor)
        items.extend(page.items)
        if page.next_cursor is None:
            return items
        assert page.items, "a page with a next cursor must not be empty"
        cursor = page.next_cursor


def counts(graph: SocialGraph, user_id: str) -> tuple[int, int]:
    return graph.count_followers(user_id), graph.count_following(user_id)


USERS = ["a", "b", "c", "d"]


operations = st.lists(
    st.tuples(
        st.sampled_from(["put", "remove"]),
        st.sampled_from(USERS),
        st.sampled_from(USERS),
        st.sampled_from([ACTIVE, PENDING]),
        st.integers(0, 3),
    ),
    max_size=40,
)


relaxed = settings(max_examples=40, deadline=None, suppress_health_check=[*CONTRACT_HEALTH_CHECKS])


class SocialGraphContract:
    """The behaviour every adapter of the port must show. Subclass it in a test module (as
    ``Test<YourAdapter>``) and provide the adapter's fixture: see the module docstring."""

    @pytest.fixture
    def social_graph(self, new_social_graph: Callable[[], SocialGraph]) -> SocialGraph:
        return new_social_graph()

    def test_get_of_a_missing_edge_is_none(self, social_graph: SocialGraph) -> None:
        social_graph.put(edge("a", "b"))
        assert social_graph.get("b", "a") is None

    def test_put_of_a_new_edge_returns_none_and_stores_it(self, social_graph: SocialGraph) -> None:
        assert social_graph.put(edge("a", "b")) is None
        assert social_graph.get("a", "b") == edge("a", "b")
        assert counts(social_graph, "b") == (1, 0)
        assert counts(social_graph, "a") == (0, 1)

    def test_putting_an_identical_edge_again_changes_nothing(
        self, social_graph: SocialGraph
    ) -> None:
        social_graph.put(edge("a", "b"))
        assert social_graph.put(edge("a", "b")) == edge("a", "b")
        assert social_graph.get("a", "b") == edge("a", "b")
        assert counts(social_graph, "b") == (1, 0)

    def test_put_with_the_same_status_keeps_the_original_created_at(
        self, social_graph: SocialGraph
    ) -> None:
        social_graph.put(edge("a", "b", PENDING, at=1))
        assert social_graph.put(edge("a", "b", PENDING, at=99)) == edge("a", "b", PENDING, at=1)
        assert social_graph.get("a", "b") == edge("a", "b", PENDING, at=1)

    def test_approving_a_pending_edge_keeps_created_at_and_counts_it(
        self, social_graph: SocialGraph
    ) -> None:
        social_graph.put(edge("a", "b", PENDING, at=1))
        assert counts(social_graph, "b") == (0, 0)
        assert social_graph.put(edge("a", "b", ACTIVE, at=50)) == edge("a", "b", PENDING, at=1)
        assert social_graph.get("a", "b") == edge("a", "b", ACTIVE, at=1)
        assert counts(social_graph, "b") == (1, 0)
        assert counts(social_graph, "a") == (0, 1)

    def test_demoting_an_active_edge_to_pending_uncounts_it(
        self, social_graph: SocialGraph
    ) -> None:
        social_graph.put(edge("a", "b", ACTIVE, at=1))
        assert social_graph.put(edge("a", "b", PENDING, at=2)) == edge("a", "b", ACTIVE, at=1)
        assert social_graph.get("a", "b") == edge("a", "b", PENDING, at=1)
        assert counts(social_graph, "b") == (0, 0)
        assert counts(social_graph, "a") == (0, 0)

    @pytest.mark.parametrize("status", [ACTIVE, PENDING])
    def test_remove_returns_the_edge_and_uncounts_it(
        self, social_graph: SocialGraph, status: FollowStatus
    ) -> None:
        social_graph.put(edge("c", "b"))
        social_graph.put(edge("a", "b", status))
        assert social_graph.remove("a", "b") == edge("a", "b", status)
        assert social_graph.get("a", "b") is None
        assert counts(social_graph, "b") == (1, 0)
        assert counts(social_graph, "a") == (0, 0)
        assert social_graph.followers("b", status, None, 10).items == (
            [edge("c", "b")] if status is ACTIVE else []
        )

    def test_remove_of_a_missing_edge_is_a_no_op_returning_none(
        self, social_graph: SocialGraph
    ) -> None:
        social_graph.put(edge("a", "b"))
        assert social_graph.remove("b", "a") is None
        assert social_graph.get("a", "b") == edge("a", "b")
        assert counts(social_graph, "a") == (0, 1)
        assert counts(social_graph, "b") == (1, 0)

    def test_counts_of_an_unknown_user_are_zero(self, social_graph: SocialGraph) -> None:
        assert counts(social_graph, "nobody") == (0, 0)

    def test_followers_lists_edges_with_the_status_newest_first(
        self, social_graph: SocialGraph
    ) -> None:
        for at, name in enumerate(["f1", "f2", "f3"]):
            social_graph.put(edge(name, "star", at=at))
        social_graph.put(edge("p1", "star", PENDING, at=10))
        social_graph.put(edge("star", "f1", at=20))
        page = social_graph.followers("star", ACTIVE, None, 10)
        assert page == Page(
            items=[edge("f3", "star", at=2), edge("f2", "star", at=1), edge("f1", "star", at=0)],
            next_cursor=None,
        )
        assert social_graph.followers("star", PENDING, None, 10).items == [
            edge("p1", "star", PENDING, at=10)
        ]

    def test_following_lists_active_edges_newest_first(self, social_graph: SocialGraph) -> None:
        social_graph.put(edge("me", "x", at=1))
        social_graph.put(edge("me", "y", at=3))
        social_graph.put(edge("me", "private", PENDING, at=5))
        social_graph.put(edge("other", "x", at=4))
        assert social_graph.following("me", None, 10).items == [
            edge("me", "y", at=3),
            edge("me", "x", at=1),
        ]

    def test_pages_break_created_at_ties_by_id_without_gaps(
        self, social_graph: SocialGraph
    ) -> None:
        names = [f"f{n:02d}" for n in range(7)]
        for name in names:
            social_graph.put(edge(name, "star", at=0))
            social_graph.put(edge("star", name, at=0))
        followers = all_pages(lambda c: social_graph.followers("star", ACTIVE, c, 3))
        assert [f.follower_id for f in followers] == sorted(names, reverse=True)
        following = all_pages(lambda c: social_graph.following("star", c, 2))
        assert [f.followee_id for f in following] == sorted(names, reverse=True)

    def test_a_full_last_page_has_no_next_cursor(self, social_graph: SocialGraph) -> None:
        for at in range(4):
            social_graph.put(edge(f"f{at}", "star", at=at))
        first = social_graph.followers("star", ACTIVE, None, 2)
        assert first.next_cursor is not None
        last = social_graph.followers("star", ACTIVE, first.next_cursor, 2)
        assert [f.follower_id for f in last.items] == ["f1", "f0"]
        assert last.next_cursor is None

    def test_newer_edges_do_not_shift_later_pages(self, social_graph: SocialGraph) -> None:
        for at in range(4):
            social_graph.put(edge(f"f{at}", "star", at=at))
        first = social_graph.followers("star", ACTIVE, None, 2)
        social_graph.put(edge("late", "star", at=100))
        rest = social_graph.followers("star", ACTIVE, first.next_cursor, 10)
        assert [f.follower_id for f in rest.items] == ["f1", "f0"]

    @pytest.mark.parametrize(
        "cursor", ["", "garbage", "123", ":f1", "x:f1", "1.5:f1", "12:", "9" * 25 + ":f1"]
    )
    def test_a_malformed_cursor_raises_invalid_input(
        self, social_graph: SocialGraph, cursor: str
    ) -> None:
        social_graph.put(edge("a", "b"))
        with pytest.raises(InvalidInput):
            social_graph.followers("b", ACTIVE, cursor, 10)
        with pytest.raises(InvalidInput):
            social_graph.following("a", cursor, 10)

    def test_a_page_size_below_one_raises_invalid_input(self, social_graph: SocialGraph) -> None:
        """Not in the port's docstring: pins that no adapter answers an empty page that claims
        to be the last one (or crashes) when asked for zero items."""
        social_graph.put(edge("a", "b"))
        with pytest.raises(InvalidInput):
            social_graph.followers("b", ACTIVE, None, 0)
        with pytest.raises(InvalidInput):
            social_graph.following("a", None, 0)

    def test_follower_ids_after_gives_active_ids_in_id_order(
        self, social_graph: SocialGraph
    ) -> None:
        for at, name in enumerate(["d", "a", "c", "b", "e"]):
            social_graph.put(edge(name, "star", at=-at))
        social_graph.put(edge("bb", "star", PENDING))
        assert social_graph.follower_ids_after("star", None, 3) == ["a", "b", "c"]
        assert social_graph.follower_ids_after("star", "c", 3) == ["d", "e"]
        assert social_graph.follower_ids_after("star", "bz", 1) == ["c"]
        assert social_graph.follower_ids_after("star", "e", 3) == []
        assert social_graph.follower_ids_after("nobody", None, 3) == []

    def test_following_ids_lists_active_followees_only(self, social_graph: SocialGraph) -> None:
        social_graph.put(edge("me", "x"))
        social_graph.put(edge("me", "y", at=1))
        social_graph.put(edge("me", "z", PENDING))
        assert sorted(social_graph.following_ids("me")) == ["x", "y"]
        assert social_graph.following_ids("nobody") == []

    def test_fifty_concurrent_follows_count_exactly_fifty(self, social_graph: SocialGraph) -> None:
        start = threading.Barrier(50)

        def follow(n: int) -> None:
            start.wait()
            social_graph.put(edge(f"fan{n}", "star", at=n))

        threads = [threading.Thread(target=follow, args=(n,)) for n in range(50)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert social_graph.count_followers("star") == 50
        assert len(all_pages(lambda c: social_graph.followers("star", ACTIVE, c, 50))) == 50

    @relaxed
    @given(ops=operations, limit=st.integers(1, 3))
    def test_counts_and_pages_always_match_the_active_edges(
        self,
        new_social_graph: Callable[[], SocialGraph],
        ops: list[tuple[str, str, str, FollowStatus, int]],
        limit: int,
    ) -> None:
        graph = new_social_graph()
        model: dict[tuple[str, str], Follow] = {}
        for op, follower, followee, status, at in ops:
            if op == "put":
                new, before = edge(follower, followee, status, at), model.get((follower, followee))
                assert graph.put(new) == before
                kept = new if before is None else attrs.evolve(new, created_at=before.created_at)
                model[(follower, followee)] = kept
            else:
                assert graph.remove(follower, followee) == model.pop((follower, followee), None)
        newest_first = sorted(
            model.values(), key=lambda f: (f.created_at, f.follower_id, f.followee_id), reverse=True
        )
        for user in USERS:
            incoming = [f for f in newest_first if f.followee_id == user]
            outgoing = [f for f in newest_first if f.follower_id == user and f.is_active]
            active_in = [f for f in incoming if f.is_active]
            assert counts(graph, user) == (len(active_in), len(outgoing))
            for status in (ACTIVE, PENDING):
                pages = all_pages(partial(graph.followers, user, status, limit=limit))
                assert pages == [f for f in incoming if f.status is status]
            assert all_pages(partial(graph.following, user, limit=limit)) == outgoing
            for more_than in range(3):  # the feed's celebrities: a join, same answer
                assert sorted(graph.popular_followees(user, more_than)) == sorted(
                    f.followee_id
                    for f in outgoing
                    if sum(g.is_active and g.followee_id == f.followee_id for g in newest_first)
                    > more_than
                )
            asked = [*USERS, "nobody", user]  # the feed's check of its candidates' authors
            assert graph.followed_among(user, asked) == {f.followee_id for f in outgoing}
            assert graph.followed_among(user, []) == set()
            assert graph.follower_ids_after(user, None, 10) == sorted(
                f.follower_id for f in active_in
            )

    def test_mutual_counts_count_active_followees_following_each_user(
        self, social_graph: SocialGraph
    ) -> None:
        social_graph.put(edge("me", "ann"))
        social_graph.put(edge("me", "bob"))
        social_graph.put(edge("me", "pen", FollowStatus.PENDING))  # a request is not a follow
        social_graph.put(edge("ann", "star"))
        social_graph.put(edge("bob", "star"))
        social_graph.put(edge("pen", "star"))
        social_graph.put(edge("bob", "cat", FollowStatus.PENDING))
        social_graph.put(edge("eve", "cat"))  # followed by someone the viewer does not follow
        counts_by_id = social_graph.mutual_counts("me", ["star", "cat", "nobody", "star"])
        assert dict(counts_by_id) == {"star": 2, "cat": 0, "nobody": 0}
        assert dict(social_graph.mutual_counts("stranger", ["star"])) == {"star": 0}

    def test_follower_counts_in_one_call(self, social_graph: SocialGraph) -> None:
        social_graph.put(edge("ann", "cat"))
        social_graph.put(edge("bob", "cat"))
        social_graph.put(edge("ann", "dan", FollowStatus.PENDING))
        counts_by_id = social_graph.follower_counts(["cat", "dan", "ann", "cat"])
        assert dict(counts_by_id) == {"cat": 2, "dan": 0, "ann": 0}

    def test_popular_followees_are_the_active_followees_over_the_count(
        self, social_graph: SocialGraph
    ) -> None:
        for fan in ("ann", "bob", "cat"):
            social_graph.put(edge(fan, "star"))
        social_graph.put(edge("ann", "mid"))
        social_graph.put(edge("bob", "mid"))
        social_graph.put(edge("dan", "mid", PENDING))  # pending: not counted
        social_graph.put(edge("ann", "solo"))
        social_graph.put(edge("eve", "star", PENDING))  # eve asked, is not following yet
        assert sorted(social_graph.popular_followees("ann", 1)) == ["mid", "star"]
        assert sorted(social_graph.popular_followees("ann", 2)) == ["star"]
        assert list(social_graph.popular_followees("ann", 3)) == []
        assert sorted(social_graph.popular_followees("ann", 0)) == ["mid", "solo", "star"]
        assert list(social_graph.popular_followees("eve", 0)) == []
        assert list(social_graph.popular_followees("nobody", 0)) == []

    def test_followed_among_checks_only_the_given_accounts(self, social_graph: SocialGraph) -> None:
        social_graph.put(edge("ann", "bob"))
        social_graph.put(edge("ann", "cat"))
        social_graph.put(edge("ann", "dan", PENDING))  # a request is not a follow
        social_graph.put(edge("eve", "fay"))  # someone else's follow
        assert social_graph.followed_among("ann", ["bob", "dan", "fay", "ann", "bob"]) == {"bob"}
        assert social_graph.followed_among("ann", iter(["cat", "nobody"])) == {"cat"}
        assert social_graph.followed_among("ann", []) == set()
        assert social_graph.followed_among("nobody", ["bob"]) == set()
        social_graph.remove("ann", "bob")
        assert social_graph.followed_among("ann", ["bob", "cat"]) == {"cat"}

    def test_activate_turns_a_pending_edge_active_once(self, social_graph: SocialGraph) -> None:
        social_graph.put(edge("a", "b", PENDING, at=1))
        assert social_graph.activate("a", "b") == edge("a", "b", ACTIVE, at=1)
        assert social_graph.get("a", "b") == edge("a", "b", ACTIVE, at=1)
        assert counts(social_graph, "b") == (1, 0)
        assert social_graph.activate("a", "b") is None  # already active: no change
        assert counts(social_graph, "b") == (1, 0)

    def test_activate_never_brings_a_removed_request_back(self, social_graph: SocialGraph) -> None:
        social_graph.put(edge("a", "b", PENDING))
        social_graph.remove("a", "b")
        assert social_graph.activate("a", "b") is None
        assert social_graph.get("a", "b") is None
        assert counts(social_graph, "b") == (0, 0)
        assert social_graph.followers("b", ACTIVE, None, 5).items == []

    def test_activate_racing_a_withdrawal_leaves_no_edge(
        self,
        new_social_graph: Callable[[], SocialGraph],
    ) -> None:
        """Approvals and withdrawals of four requests at once on real threads, many times:
        whichever lands first, every request ends with no edge and the counts at zero."""
        graph = new_social_graph()
        for trial in range(50):
            followers = [f"f{trial}-{n}" for n in range(4)]
            for follower in followers:
                graph.put(edge(follower, "star", PENDING))
            race(
                *(partial(graph.activate, follower, "star") for follower in followers),
                *(partial(graph.remove, follower, "star") for follower in followers),
            )
            assert [graph.get(follower, "star") for follower in followers] == [None] * 4, trial
            assert counts(graph, "star") == (0, 0), trial

    def test_remove_pending_deletes_only_a_pending_edge(self, social_graph: SocialGraph) -> None:
        social_graph.put(edge("a", "b", PENDING))
        social_graph.put(edge("c", "b"))
        assert social_graph.remove_pending("c", "b") is None  # active: left alone
        assert social_graph.get("c", "b") == edge("c", "b")
        assert social_graph.remove_pending("x", "b") is None  # no edge
        assert social_graph.remove_pending("a", "b") == edge("a", "b", PENDING)
        assert social_graph.get("a", "b") is None
        assert counts(social_graph, "b") == (1, 0)

    def test_a_rejection_racing_an_approval_never_ends_an_approved_follow(
        self,
        new_social_graph: Callable[[], SocialGraph],
    ) -> None:
        """Approvals and rejections of four requests at once on real threads, many times: each
        request ends either active (the approval won, the rejection changed nothing) or gone
        (the rejection won, the approval found nothing), and the counts match the edges."""
        graph = new_social_graph()
        for trial in range(50):
            followers = [f"f{trial}-{n}" for n in range(4)]
            for follower in followers:
                graph.put(edge(follower, "star", PENDING))
            results = race(
                *(partial(graph.activate, follower, "star") for follower in followers),
                *(partial(graph.remove_pending, follower, "star") for follower in followers),
            )
            approved, rejected = results[:4], results[4:]
            for n, follower in enumerate(followers):
                after = graph.get(follower, "star")
                assert (approved[n] is None) != (rejected[n] is None), (trial, follower)
                if approved[n] is not None:
                    assert after is not None, (trial, follower)
                    assert after.status is ACTIVE, (trial, follower)
                else:
                    assert after is None, (trial, follower)
        total_active = len(graph.followers("star", ACTIVE, None, 500).items)
        assert counts(graph, "star")[0] == total_active

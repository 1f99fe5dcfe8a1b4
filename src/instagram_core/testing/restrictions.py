"""Contract of :class:`~instagram_core.ports.Restrictions` (blocks and mutes).

Blocks share a store with the social graph (a block ends the follows between the two
accounts in the same transaction), so the contract builds each adapter as that pair.
Provide ``new_restrictions_pair``: a fixture returning a factory of fresh, empty
:class:`RestrictionsPair`. The tests check that a block and the follows it ends change
together, that no follow is written across a block, including when the two race on threads,
and that an unblock brings nothing back.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instagram_core.domain.errors import NotFound
from instagram_core.domain.social import BlockOutcome, Follow, FollowStatus
from instagram_core.ports import Restrictions, SocialGraph
from instagram_core.testing.hypothesis_settings import CONTRACT_HEALTH_CHECKS
from instagram_core.testing.races import race

T0 = datetime(2024, 5, 17, 9, 30, tzinfo=UTC)
ACTIVE, PENDING = FollowStatus.ACTIVE, FollowStatus.PENDING


def _no_accounts_needed(*user_ids: str) -> None:
    """An engine without account rows to lock has nothing to create."""


@attrs.frozen
class RestrictionsPair:
    """A graph and the restrictions built on the same store, as a composition root does.

    ``register`` creates accounts up front, for an engine whose graph locks their rows (the
    core always has them); leave it out where none is needed."""

    graph: SocialGraph
    restrictions: Restrictions
    register: Callable[..., None] = _no_accounts_needed


def edge(follower: str, followee: str, status: FollowStatus = ACTIVE) -> Follow:
    return Follow(follower, followee, status, T0)


def _follow_unless_blocked(graph: SocialGraph, follower: str, followee: str) -> None:
    with contextlib.suppress(NotFound):  # the block came first
        graph.put(edge(follower, followee))


USERS = ("a", "b", "c")
users = st.sampled_from(USERS)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("put"), users, users, st.sampled_from(FollowStatus)),
        st.tuples(st.sampled_from(["remove", "activate", "block", "unblock"]), users, users),
    ),
    max_size=25,
)


class RestrictionsContract:
    """The behaviour every adapter of the port must show. Subclass it in a test module (as
    ``Test<YourAdapter>``) and provide the adapter's fixture: see the module docstring."""

    @pytest.fixture
    def store(self, new_restrictions_pair: Callable[[], RestrictionsPair]) -> RestrictionsPair:
        return new_restrictions_pair()

    @pytest.fixture
    def restrictions(self, store: RestrictionsPair) -> Restrictions:
        return store.restrictions

    def test_block_is_idempotent_and_cuts_both_ways(self, restrictions: Restrictions) -> None:
        assert restrictions.block("ann", "bob") == BlockOutcome(recorded=True)
        assert restrictions.block("ann", "bob") == BlockOutcome(recorded=False)
        assert restrictions.blocked_between("ann", "bob")
        assert restrictions.blocked_between("bob", "ann")
        assert not restrictions.blocked_between("ann", "cat")
        assert restrictions.blocked_ids("ann") == {"bob"}
        assert restrictions.blocked_ids("bob") == {"ann"}

    def test_unblock_lifts_only_ones_own_block(self, restrictions: Restrictions) -> None:
        restrictions.block("ann", "bob")
        restrictions.block("bob", "ann")
        assert restrictions.unblock("ann", "bob")
        assert not restrictions.unblock("ann", "bob")
        assert restrictions.blocked_between("ann", "bob")  # bob still blocks ann
        assert restrictions.unblock("bob", "ann")
        assert not restrictions.blocked_between("ann", "bob")
        assert restrictions.blocked_ids("ann") == set()

    def test_mutes_are_one_way_and_idempotent(self, restrictions: Restrictions) -> None:
        assert restrictions.mute("ann", "bob")
        assert not restrictions.mute("ann", "bob")
        assert restrictions.muted_ids("ann") == {"bob"}
        assert restrictions.muted_ids("bob") == set()
        assert not restrictions.blocked_between("ann", "bob")
        assert restrictions.unmute("ann", "bob")
        assert not restrictions.unmute("ann", "bob")
        assert restrictions.muted_ids("ann") == set()

    @pytest.mark.parametrize("status", [ACTIVE, PENDING])
    def test_a_block_ends_the_follows_both_ways_with_their_counts(
        self, store: RestrictionsPair, status: FollowStatus
    ) -> None:
        graph = store.graph
        graph.put(edge("ann", "bob", status))
        graph.put(edge("bob", "ann"))
        graph.put(edge("cat", "bob"))
        outcome = store.restrictions.block("bob", "ann")
        assert outcome.recorded
        assert set(outcome.ended) == {edge("ann", "bob", status), edge("bob", "ann")}
        assert graph.get("ann", "bob") is None
        assert graph.get("bob", "ann") is None
        assert (graph.count_followers("bob"), graph.count_following("bob")) == (1, 0)
        assert (graph.count_followers("ann"), graph.count_following("ann")) == (0, 0)
        assert graph.get("cat", "bob") == edge("cat", "bob")

    @pytest.mark.parametrize("status", [ACTIVE, PENDING])
    @pytest.mark.parametrize(("blocker", "blocked"), [("ann", "bob"), ("bob", "ann")])
    def test_no_follow_is_written_across_a_block(
        self, store: RestrictionsPair, status: FollowStatus, blocker: str, blocked: str
    ) -> None:
        store.restrictions.block(blocker, blocked)
        for follower, followee in (("ann", "bob"), ("bob", "ann")):
            with pytest.raises(NotFound):
                store.graph.put(edge(follower, followee, status))
            assert store.graph.get(follower, followee) is None
        assert store.graph.count_followers("bob") == store.graph.count_following("ann") == 0

    def test_an_unblock_brings_no_follow_back(self, store: RestrictionsPair) -> None:
        store.graph.put(edge("ann", "bob"))
        store.restrictions.block("bob", "ann")
        assert store.restrictions.unblock("bob", "ann")
        assert store.graph.get("ann", "bob") is None
        assert store.graph.count_followers("bob") == 0
        assert store.graph.put(edge("ann", "bob")) is None  # following again is a new edge

    def test_a_block_racing_follows_never_leaves_an_edge(
        self, new_restrictions_pair: Callable[[], RestrictionsPair]
    ) -> None:
        """Both orders of a block and a follow (of either direction) on real threads: whichever
        lands second sees the first, so the pair always ends with no edge."""
        store = new_restrictions_pair()
        for trial in range(40):
            ann, bob = f"ann{trial}", f"bob{trial}"
            store.register(ann, bob)
            race(
                partial(_follow_unless_blocked, store.graph, ann, bob),
                partial(_follow_unless_blocked, store.graph, bob, ann),
                partial(store.restrictions.block, bob, ann),
            )
            assert store.graph.get(ann, bob) is None, trial
            assert store.graph.get(bob, ann) is None, trial
            assert store.graph.count_followers(bob) == store.graph.count_following(ann) == 0

    @settings(max_examples=40, deadline=None, suppress_health_check=[*CONTRACT_HEALTH_CHECKS])
    @given(ops=operations)
    def test_graph_and_blocks_follow_the_model(
        self, new_restrictions_pair: Callable[[], RestrictionsPair], ops: list[tuple[str, ...]]
    ) -> None:
        """Any sequence of follows, approvals, removals, blocks and unblocks: every answer is
        the model's, and no edge ever joins two accounts with a block between them."""
        store = new_restrictions_pair()
        edges: dict[tuple[str, str], FollowStatus] = {}
        blocks: set[tuple[str, str]] = set()
        for name, x, y, *rest in ops:
            blocked = (x, y) in blocks or (y, x) in blocks
            if name == "put" and x != y:
                if blocked:
                    with pytest.raises(NotFound):
                        store.graph.put(edge(x, y, FollowStatus(rest[0])))
                else:
                    store.graph.put(edge(x, y, FollowStatus(rest[0])))
                    edges[(x, y)] = FollowStatus(rest[0])
            elif name == "remove":
                gone = store.graph.remove(x, y)
                assert (gone and gone.status) == edges.pop((x, y), None)
            elif name == "activate":
                was = edges.get((x, y))
                assert (store.graph.activate(x, y) is not None) == (was is PENDING)
                if was is not None:
                    edges[(x, y)] = ACTIVE
            elif name == "block" and x != y:
                ended = {
                    (f.follower_id, f.followee_id) for f in store.restrictions.block(x, y).ended
                }
                assert ended == {pair for pair in ((x, y), (y, x)) if pair in edges}
                blocks.add((x, y))
                edges = {pair: s for pair, s in edges.items() if pair not in ((x, y), (y, x))}
            elif name == "unblock":
                assert store.restrictions.unblock(x, y) == ((x, y) in blocks)
                blocks.discard((x, y))
        for x in USERS:
            for y in USERS:
                found = store.graph.get(x, y)
                assert (found and found.status) == edges.get((x, y))
                if (x, y) in blocks:
                    assert found is None
                    assert store.graph.get(y, x) is None
            active_in = sum(1 for (_, y), s in edges.items() if y == x and s is ACTIVE)
            assert store.graph.count_followers(x) == active_in

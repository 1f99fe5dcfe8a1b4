"""The follow/block/approve rules as a hypothesis state machine over the real core.

Every step is a use case (follow, withdraw, block, unblock, approve, reject, going public)
and its answer is checked against a small model; after every step, every list any viewer
can read (followers, following, follow requests) is the model's, less the accounts blocked
with that viewer, and no follow joins two accounts with a block between them."""

from __future__ import annotations

from typing import ClassVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from instagram_core.domain.errors import Forbidden, NotFound
from instagram_core.domain.social import FollowStatus
from instagram_core.domain.users import User
from tests.unit.conftest import new_world

NAMES = ("ann", "ben", "cat", "dan")
ACTIVE, PENDING = FollowStatus.ACTIVE, FollowStatus.PENDING
names = st.sampled_from(NAMES)


class FollowsAndBlocks(RuleBasedStateMachine):
    private: ClassVar[frozenset[str]] = frozenset({"ann", "cat"})

    def __init__(self) -> None:
        super().__init__()
        self.world = new_world()
        self.users: dict[str, User] = {
            name: self.world.register(name, private=name in self.private) for name in NAMES
        }
        self.is_private = {name: name in self.private for name in NAMES}
        self.edges: dict[tuple[str, str], FollowStatus] = {}
        self.blocks: set[tuple[str, str]] = set()
        self.social = self.world.core.social()

    def blocked(self, x: str, y: str) -> bool:
        return (x, y) in self.blocks or (y, x) in self.blocks

    def uid(self, name: str) -> str:
        return self.users[name].user_id

    @rule(follower=names, followee=names)
    def follow(self, follower: str, followee: str) -> None:
        if follower == followee:
            return
        if self.blocked(follower, followee):
            with pytest.raises(NotFound):
                self.social.follow(self.uid(follower), followee)
            return
        status = self.social.follow(self.uid(follower), followee)
        expected = self.edges.setdefault(
            (follower, followee), PENDING if self.is_private[followee] else ACTIVE
        )
        assert status is expected

    @rule(follower=names, followee=names)
    def withdraw(self, follower: str, followee: str) -> None:
        self.social.unfollow(self.uid(follower), followee)
        self.edges.pop((follower, followee), None)

    @rule(owner=names, requester=names)
    def approve(self, owner: str, requester: str) -> None:
        if self.edges.get((requester, owner)) is not PENDING:
            with pytest.raises(NotFound):
                self.social.approve(self.uid(owner), requester)
            return
        self.social.approve(self.uid(owner), requester)
        self.edges[(requester, owner)] = ACTIVE

    @rule(owner=names, requester=names)
    def reject(self, owner: str, requester: str) -> None:
        if self.edges.get((requester, owner)) is not PENDING:
            with pytest.raises(NotFound):
                self.social.reject(self.uid(owner), requester)
            return
        self.social.reject(self.uid(owner), requester)
        del self.edges[(requester, owner)]

    @rule(blocker=names, blocked=names)
    def block(self, blocker: str, blocked: str) -> None:
        if blocker == blocked:
            return
        self.social.block(self.uid(blocker), blocked)
        self.blocks.add((blocker, blocked))
        for pair in ((blocker, blocked), (blocked, blocker)):
            self.edges.pop(pair, None)

    @rule(blocker=names, blocked=names)
    def unblock(self, blocker: str, blocked: str) -> None:
        self.social.unblock(self.uid(blocker), blocked)
        self.blocks.discard((blocker, blocked))  # the follows it ended stay ended

    @rule(owner=names)
    def go_public(self, owner: str) -> None:
        """Going public approves every pending request, as a conditional transition too."""
        self.world.core.accounts().update_profile(self.uid(owner), None, None, False)
        self.is_private[owner] = False
        for pair, status in list(self.edges.items()):
            if pair[1] == owner and status is PENDING:
                self.edges[pair] = ACTIVE

    @invariant()
    def no_follow_crosses_a_block(self) -> None:
        graph = self.world.adapters.graph()
        for blocker, blocked in self.blocks:
            assert graph.get(self.uid(blocker), self.uid(blocked)) is None
            assert graph.get(self.uid(blocked), self.uid(blocker)) is None

    @invariant()
    def every_list_is_the_model_less_the_viewers_blocks(self) -> None:
        for viewer in NAMES:
            hidden = {other for other in NAMES if self.blocked(viewer, other)}
            requests = self.social.pending_requests(self.uid(viewer), None, 50).items
            assert {u.username for u in requests} == {
                f for (f, o), s in self.edges.items() if o == viewer and s is PENDING
            } - hidden
            for owner in NAMES:
                self.check_lists(viewer, owner, hidden)

    def check_lists(self, viewer: str, owner: str, hidden: set[str]) -> None:
        viewer_id = self.uid(viewer)
        if self.blocked(viewer, owner):
            with pytest.raises(NotFound):
                self.social.followers(viewer_id, owner, None, 50)
            return
        may_see = (
            viewer == owner
            or not self.is_private[owner]
            or self.edges.get((viewer, owner)) is ACTIVE
        )
        if not may_see:
            with pytest.raises(Forbidden):
                self.social.following(viewer_id, owner, None, 50)
            return
        followers = {u.username for u in self.social.followers(viewer_id, owner, None, 50).items}
        following = {u.username for u in self.social.following(viewer_id, owner, None, 50).items}
        active = {pair for pair, s in self.edges.items() if s is ACTIVE}
        assert followers == {f for f, o in active if o == owner} - hidden
        assert following == {o for f, o in active if f == owner} - hidden


FollowsAndBlocks.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_follows_and_blocks = FollowsAndBlocks.TestCase

"""Follow, unfollow and follow requests, blocks and mutes, and the follower / following lists.

Every list hides the accounts the viewer blocks or is blocked by: blocked accounts do not
exist for each other, whoever's list it is."""

from __future__ import annotations

from collections.abc import Callable

from instagram_core.domain.errors import InvalidInput, NotFound
from instagram_core.domain.events import FollowApproved, FollowCreated, FollowRemoved
from instagram_core.domain.pagination import Page, check_limit
from instagram_core.domain.social import Follow, FollowStatus
from instagram_core.domain.users import User
from instagram_core.policies.visibility import AudienceGate
from instagram_core.ports.clock import Clock
from instagram_core.ports.restrictions import Restrictions
from instagram_core.ports.social_graph import SocialGraph
from instagram_core.ports.units import Emit, UnitOfWork
from instagram_core.ports.users import UserStore
from instagram_core.services.freshness import Freshness, relations_key
from instagram_core.services.lookups import user_named


class SocialService:
    """Every graph write and the message announcing it go through one unit of work, so a
    follow is never kept while its ``FollowCreated`` is lost (or announced and rolled back).
    """

    def __init__(
        self,
        users: UserStore,
        graph: SocialGraph,
        restrictions: Restrictions,
        gate: AudienceGate,
        clock: Clock,
        freshness: Freshness,
        unit: UnitOfWork,
    ) -> None:
        self._unit = unit
        self._freshness = freshness
        self._restrictions = restrictions
        self._users = users
        self._graph = graph
        self._gate = gate
        self._clock = clock

    def user_named(self, username: str) -> User:
        return user_named(self._users, username)

    def follow(self, follower_id: str, username: str) -> FollowStatus:
        """Follow, or ask to follow a private account. Idempotent: following again returns
        the existing status and changes nothing."""
        target = self.user_named(username)
        if target.user_id == follower_id:
            raise InvalidInput("you cannot follow yourself")
        self._gate.require_not_blocked(follower_id, target)
        existing = self._graph.get(follower_id, target.user_id)
        if existing is not None:
            return existing.status
        status = FollowStatus.PENDING if target.is_private else FollowStatus.ACTIVE
        follow = Follow(follower_id, target.user_id, status, self._clock.now())

        def put(emit: Emit) -> Follow | None:
            before = self._graph.put(follow)
            if before is None:
                pending = status is FollowStatus.PENDING
                emit(FollowCreated(follower_id, target.user_id, pending, follow.created_at))
            return before

        try:
            before = self._unit.run(put)
        except NotFound:  # a block landed since the check above: the graph refused the edge
            raise NotFound(f"no user named {username!r}") from None
        if before is None:
            self._ties_changed(follower_id, target.user_id)
        return status

    def unfollow(self, follower_id: str, username: str) -> None:
        """Stop following (or withdraw a request); a no-op when there is no edge."""
        target = self.user_named(username)

        def remove(emit: Emit) -> bool:
            if self._graph.remove(follower_id, target.user_id) is None:
                return False
            emit(FollowRemoved(follower_id, target.user_id))
            return True

        if self._unit.run(remove):
            self._ties_changed(follower_id, target.user_id)

    def block(self, blocker_id: str, username: str) -> None:
        """Block an account: both follow edges go with the block, in one atomic step, and
        neither account sees the other any more."""
        target = self.user_named(username)
        if target.user_id == blocker_id:
            raise InvalidInput("you cannot block yourself")

        def block(emit: Emit) -> None:
            for ended in self._restrictions.block(blocker_id, target.user_id).ended:
                emit(FollowRemoved(ended.follower_id, ended.followee_id))

        self._unit.run(block)
        self._ties_changed(blocker_id, target.user_id)

    def unblock(self, blocker_id: str, username: str) -> None:
        """Lift one's block; the follows it ended stay ended."""
        target = self.user_named(username)
        if self._restrictions.unblock(blocker_id, target.user_id):
            self._ties_changed(blocker_id, target.user_id)

    def mute(self, muter_id: str, username: str) -> None:
        """Hide an account's posts from one's feed without unfollowing it."""
        target = self.user_named(username)
        if target.user_id == muter_id:
            raise InvalidInput("you cannot mute yourself")
        if self._restrictions.mute(muter_id, target.user_id):
            self._ties_changed(muter_id)

    def unmute(self, muter_id: str, username: str) -> None:
        if self._restrictions.unmute(muter_id, self.user_named(username).user_id):
            self._ties_changed(muter_id)

    def pending_requests(self, user_id: str, cursor: str | None, limit: int) -> Page[User]:
        page = self._graph.followers(user_id, FollowStatus.PENDING, cursor, check_limit(limit))
        return self._users_of(user_id, page, lambda f: f.follower_id)

    def approve(self, user_id: str, requester: str) -> None:
        """Pending to active, only if still pending: a request withdrawn (or rejected) at the
        same moment stays withdrawn, and the approval answers ``NotFound``."""
        follower = self.user_named(requester)

        def activate(emit: Emit) -> None:
            if self._graph.activate(follower.user_id, user_id) is None:
                raise NotFound(f"no pending follow request from {requester!r}")
            emit(FollowApproved(follower.user_id, user_id, self._clock.now()))

        self._unit.run(activate)
        self._ties_changed(follower.user_id, user_id)

    def reject(self, user_id: str, requester: str) -> None:
        """Delete a request only while it is pending: one approved (or withdrawn) at the
        same moment is left as it is, and the rejection answers ``NotFound``."""
        follow = self._pending_from(user_id, requester)
        if self._graph.remove_pending(follow.follower_id, user_id) is None:
            raise NotFound(f"no pending follow request from {requester!r}")
        self._ties_changed(follow.follower_id, user_id)

    def followers(
        self, viewer_id: str, username: str, cursor: str | None, limit: int
    ) -> Page[User]:
        owner = self.user_named(username)
        self._gate.require(viewer_id, owner)
        page = self._graph.followers(owner.user_id, FollowStatus.ACTIVE, cursor, check_limit(limit))
        return self._users_of(viewer_id, page, lambda f: f.follower_id)

    def following(
        self, viewer_id: str, username: str, cursor: str | None, limit: int
    ) -> Page[User]:
        owner = self.user_named(username)
        self._gate.require(viewer_id, owner)
        page = self._graph.following(owner.user_id, cursor, check_limit(limit))
        return self._users_of(viewer_id, page, lambda f: f.followee_id)

    def _ties_changed(self, *user_ids: str) -> None:
        self._freshness.changed(relations_key(user) for user in user_ids)

    def _pending_from(self, user_id: str, requester: str) -> Follow:
        follower = self.user_named(requester)
        follow = self._graph.get(follower.user_id, user_id)
        if follow is None or follow.status is not FollowStatus.PENDING:
            raise NotFound(f"no pending follow request from {requester!r}")
        return follow

    def _users_of(
        self, viewer_id: str, page: Page[Follow], pick: Callable[[Follow], str]
    ) -> Page[User]:
        """The page's accounts less those blocked with the viewer (so a page may come out
        short; the cursor still moves on)."""
        hidden = self._gate.blocked_ids(viewer_id)
        shown = [pick(f) for f in page.items if pick(f) not in hidden]
        users = self._users.get_many(shown)
        return Page(
            items=[users[user_id] for user_id in shown if user_id in users],
            next_cursor=page.next_cursor,
        )

"""Profiles with their counts, and the post grid."""

from __future__ import annotations

from instagram_core.domain.errors import NotFound
from instagram_core.domain.events import ProfileVisited
from instagram_core.domain.ids import parse_cursor_id
from instagram_core.domain.pagination import Page, check_limit, page_from_overfetch
from instagram_core.domain.users import Profile, User
from instagram_core.policies.visibility import AudienceGate
from instagram_core.ports.events import EventBus
from instagram_core.ports.ids import IdGenerator
from instagram_core.ports.posts import PostStore
from instagram_core.ports.social_graph import SocialGraph
from instagram_core.ports.users import UserStore
from instagram_core.services.lookups import user_named
from instagram_core.services.views import PostView, PostViews


class ProfileService:
    def __init__(
        self,
        users: UserStore,
        graph: SocialGraph,
        posts: PostStore,
        gate: AudienceGate,
        views: PostViews,
        bus: EventBus,
        ids: IdGenerator,
    ) -> None:
        self._bus = bus
        self._ids = ids
        self._users = users
        self._graph = graph
        self._posts = posts
        self._gate = gate
        self._views = views

    def profile(self, viewer_id: str, username: str) -> Profile:
        """Anyone may see a profile's header and counts, private or not (as on Instagram)."""
        user = user_named(self._users, username)
        self._gate.require_not_blocked(viewer_id, user)
        if viewer_id != user.user_id:  # a visit counts towards closeness (story trays)
            visit_id = str(self._ids.next_id())
            self._bus.publish(ProfileVisited(viewer_id, user.user_id, visit_id))
        return self._profile_of(viewer_id, user)

    def me(self, user_id: str) -> Profile:
        user = self._users.get(user_id)
        if user is None:
            raise NotFound("user not found")
        return self._profile_of(user_id, user)

    def _profile_of(self, viewer_id: str, user: User) -> Profile:
        follow = self._graph.get(viewer_id, user.user_id)
        return Profile(
            user=user,
            post_count=self._posts.count_published(user.user_id),
            follower_count=self._graph.count_followers(user.user_id),
            following_count=self._graph.count_following(user.user_id),
            follow_status=str(follow.status) if follow else None,
        )

    def grid(self, viewer_id: str, username: str, cursor: str | None, limit: int) -> Page[PostView]:
        """Posts newest first. The owner also sees posts still processing or refused, so the
        app can show their state; everyone else sees published posts only."""
        owner = user_named(self._users, username)
        self._gate.require(viewer_id, owner)
        before = parse_cursor_id(cursor) if cursor else None
        limit = check_limit(limit)
        posts = self._posts.by_author(
            owner.user_id, before, limit + 1, published_only=viewer_id != owner.user_id
        )
        page = page_from_overfetch(posts, limit, lambda p: str(p.post_id))
        return Page(items=self._views.many(viewer_id, page.items), next_cursor=page.next_cursor)

"""Search: username prefixes and hashtags, kept in sync by event handlers."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from instagram_core.domain.errors import InvalidInput
from instagram_core.domain.events import PostDeleted, PostPublished, ProfileUpdated, UserRegistered
from instagram_core.domain.pagination import check_limit
from instagram_core.domain.users import User
from instagram_core.policies.visibility import AudienceGate
from instagram_core.ports.clock import Clock
from instagram_core.ports.posts import PostStore
from instagram_core.ports.search import HashtagHit, SearchIndex
from instagram_core.ports.trending import TrendingTags
from instagram_core.ports.users import UserStore

MAX_QUERY = 64
MAX_TRENDING = 50
MAX_RESULTS = 50  # users and hashtags per search


@attrs.frozen
class SearchResults:
    users: Sequence[User]
    hashtags: Sequence[HashtagHit]


class SearchService:
    def __init__(
        self,
        index: SearchIndex,
        users: UserStore,
        posts: PostStore,
        trending: TrendingTags,
        clock: Clock,
        gate: AudienceGate,
    ) -> None:
        self._gate = gate
        self._trending = trending
        self._clock = clock
        self._index = index
        self._users = users
        self._posts = posts

    def search(self, viewer_id: str, query: str, limit: int = 10) -> SearchResults:
        """``#tag`` searches hashtags only; anything else searches both. ``limit`` (of
        each) outside 1..50 is refused, not clamped. Accounts blocked with the viewer are
        never found."""
        check_limit(limit, MAX_RESULTS)
        query = query.strip()
        if not 1 <= len(query) <= MAX_QUERY:
            raise InvalidInput(f"q must be 1-{MAX_QUERY} characters")
        if query.startswith("#"):
            return SearchResults((), self._index.search_hashtags(query[1:].lower(), limit))
        hidden = self._gate.blocked_ids(viewer_id)
        overfetch = min(len(hidden), MAX_RESULTS)  # so hidden matches rarely shorten the list
        matches = self._index.search_users(query.lstrip("@").lower(), limit + overfetch)
        user_ids = [i for i in matches if i not in hidden][:limit]
        found = self._users.get_many(user_ids)
        ordered = [found[i] for i in user_ids if i in found]
        return SearchResults(ordered, self._index.search_hashtags(query.lower(), limit))

    def on_user_changed(self, event: UserRegistered | ProfileUpdated) -> None:
        user = self._users.get(event.user_id)
        if user is not None:
            self._index.index_user(user)

    def trending(self, limit: int = 10) -> Sequence[tuple[str, float]]:
        """Hashtags used most in the past hours, decaying by half every hour; ``limit``
        outside 1..50 is refused."""
        return self._trending.top(check_limit(limit, MAX_TRENDING), self._clock.now())

    def on_post_published(self, event: PostPublished) -> None:
        post = self._posts.get(event.post_id)
        if post is not None and post.hashtags:
            self._index.add_hashtags(post.post_id, post.hashtags)
            # keyed by the post: a redelivered PostPublished counts its tags once
            self._trending.bump(post.hashtags, self._clock.now(), use_id=f"post:{post.post_id}")

    def on_post_deleted(self, event: PostDeleted) -> None:
        self._index.remove_hashtags(event.post_id, event.hashtags)

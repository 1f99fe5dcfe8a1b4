"""The home feed on the read side: the cached feed, rebuilt from the graph when absent,
filtered on read so that nothing the viewer may no longer see is ever shown."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Sequence

import attrs

from instagram_core.domain.errors import Unavailable
from instagram_core.domain.ids import parse_id
from instagram_core.domain.pagination import check_limit
from instagram_core.domain.posts import Post
from instagram_core.policies.fanout import FanoutPolicy
from instagram_core.ports.feed_cache import FEED_CAPACITY, FeedCache
from instagram_core.ports.posts import PostStore
from instagram_core.ports.ranking import FeedCandidate, Ranker
from instagram_core.ports.restrictions import Restrictions
from instagram_core.ports.social_graph import SocialGraph
from instagram_core.services.views import PostView, PostViews


@attrs.frozen
class FeedPage:
    items: Sequence[PostView]
    next_cursor: str | None
    ranked: bool  # False when served reverse-chronologically because the cache was down


class FeedService:
    def __init__(
        self,
        feeds: FeedCache,
        graph: SocialGraph,
        restrictions: Restrictions,
        posts: PostStore,
        ranker: Ranker,
        views: PostViews,
        policy: FanoutPolicy | None = None,
    ) -> None:
        self._restrictions = restrictions
        self._feeds = feeds
        self._graph = graph
        self._posts = posts
        self._ranker = ranker
        self._views = views
        self._policy = policy or FanoutPolicy()

    def home(self, viewer_id: str, cursor: str | None, limit: int) -> FeedPage:
        """A page of published posts by the viewer and the accounts they actively follow.

        The cursor is the lowest post id already served: every later page holds strictly
        older posts, so paging never repeats or skips one even while new posts arrive."""
        limit = check_limit(limit)
        before = parse_id(cursor, "cursor") if cursor else None
        following = {*self._graph.following_ids(viewer_id), viewer_id}
        audience = self._shown(viewer_id, following)
        try:
            posts, exhausted = self._from_cache(viewer_id, following, audience, before, limit)
            ranked = True
        except Unavailable:
            posts = self._pulled(audience, before, limit + 1, per_author=limit + 1)
            exhausted, ranked = len(posts) <= limit, False
        page = posts[:limit]
        next_cursor = None if exhausted or not page else str(min(p.post_id for p in page))
        order = self._ranker.rank(viewer_id, [_candidate(p) for p in page]) if ranked else None
        if order is not None:
            by_id = {p.post_id: p for p in page}
            page = [by_id[i] for i in order]
        return FeedPage(self._views.many(viewer_id, page), next_cursor, ranked)

    def _shown(self, viewer_id: str, following: set[str]) -> set[str]:
        """Whose posts the viewer is shown: followed accounts and the viewer, less anyone
        muted by or blocked with the viewer (the cached feed keeps them: a mute is undone)."""
        hidden = self._restrictions.muted_ids(viewer_id) | self._restrictions.blocked_ids(viewer_id)
        return following - hidden

    def _from_cache(
        self,
        viewer_id: str,
        following: set[str],
        audience: set[str],
        before: int | None,
        limit: int,
    ) -> tuple[list[Post], bool]:
        """Visible posts from the cached feed, reading on until ``limit + 1`` are found (the
        extra one proves there is a next page) or the feed ends."""
        if self._feeds.page(viewer_id, None, 1) is None:
            self._rebuild(viewer_id, following)
        visible: list[Post] = []
        while len(visible) <= limit:
            ids = self._feeds.page(viewer_id, before, limit + 1) or []
            found = self._posts.get_many(ids)
            visible.extend(
                p for i in ids if (p := found.get(i)) and p.is_published and p.author_id in audience
            )
            if len(ids) <= limit:
                return visible, len(visible) <= limit
            before = ids[-1]
        return visible, False

    def _rebuild(self, viewer_id: str, audience: set[str]) -> None:
        pulled = self._pulled(
            audience, None, FEED_CAPACITY, per_author=self._policy.rebuild_posts_per_author
        )
        self._feeds.add_many(viewer_id, [p.post_id for p in pulled])

    def _pulled(
        self, audience: set[str], before: int | None, total: int, per_author: int
    ) -> list[Post]:
        """Fan-out on read: merge the newest posts of every author in ``audience``."""
        streams = [
            self._posts.by_author(author, before, per_author, published_only=True)
            for author in audience
        ]
        merged = heapq.merge(*streams, key=lambda p: p.post_id, reverse=True)
        return list(itertools.islice(merged, total))


def _candidate(post: Post) -> FeedCandidate:
    return FeedCandidate(post.post_id, post.author_id, post.created_at)

"""Hashtag and place pages, and places near a point: posts found through the search index,
shown only where the viewer may see them.

The index filters by the viewer's audience; every page is then checked again against the
stores (the post still published, its author still visible to the viewer through
:class:`~instagram_core.policies.visibility.AudienceGate`), so an index a moment behind a
privacy flip, a block or a deletion never shows what the viewer may not see.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence

from instagram_core.domain.errors import DomainError, InvalidInput, MalformedCursor, NotFound
from instagram_core.domain.ids import is_decimal, parse_id
from instagram_core.domain.pagination import Page, check_limit
from instagram_core.domain.posts import Post
from instagram_core.policies.visibility import AudienceGate
from instagram_core.ports.comments import CommentStore
from instagram_core.ports.engagement import EngagementStore
from instagram_core.ports.posts import PostStore
from instagram_core.ports.search import NearbyPlace, PlaceHit, SearchIndex
from instagram_core.ports.users import UserStore
from instagram_core.services.search import SearchService
from instagram_core.services.views import PostView, PostViews

MAX_TAG = 100
MAX_RADIUS_KM = 100.0
TOP_CANDIDATES = 500  # the newest visible posts of a tag that "top" ranks
COMMENT_WEIGHT = 2  # top posts: likes + 2 x comments, a comment being the costlier act


class PostOrder(enum.StrEnum):
    TOP = "top"
    RECENT = "recent"


def parse_order(raw: str) -> PostOrder:
    try:
        return PostOrder(raw)
    except ValueError:
        raise InvalidInput(f"order must be top or recent, got {raw!r}") from None


def check_point(lat: float, lng: float) -> None:
    if not -90.0 <= lat <= 90.0 or not -180.0 <= lng <= 180.0:
        raise InvalidInput("lat must be within ±90 and lng within ±180")


class DiscoveryService:
    def __init__(
        self,
        search: SearchService,
        index: SearchIndex,
        posts: PostStore,
        users: UserStore,
        engagement: EngagementStore,
        comments: CommentStore,
        views: PostViews,
        gate: AudienceGate,
    ) -> None:
        self._search = search
        self._index = index
        self._posts = posts
        self._users = users
        self._engagement = engagement
        self._comments = comments
        self._views = views
        self._gate = gate

    def hashtag(self, viewer_id: str, tag: str) -> tuple[str, int]:
        """The tag as filed (lower-case, no ``#``) and how many posts the viewer may see."""
        cleaned = _check_tag(tag)
        return cleaned, self._index.hashtag_count(cleaned, self._search.audience(viewer_id))

    def hashtag_posts(
        self,
        viewer_id: str,
        tag: str,
        order: PostOrder,
        cursor: str | None,
        limit: int,
    ) -> Page[PostView]:
        """``recent``: newest first, keyset by post id. ``top``: the newest 500 visible posts
        ranked by likes + 2 x comments (then newest); the cursor is the last (score, id), so
        a post whose score moved between pages can repeat or be skipped, never crash."""
        check_limit(limit)
        cleaned = _check_tag(tag)
        audience = self._search.audience(viewer_id)
        if order is PostOrder.RECENT:
            return self._recent(
                viewer_id,
                lambda before, n: self._index.tagged_posts(cleaned, audience, before, n),
                cursor,
                limit,
            )
        after = _top_cursor(cursor)
        ids = self._index.tagged_posts(cleaned, audience, None, TOP_CANDIDATES)
        posts = self._visible(viewer_id, ids)
        likes = self._engagement_or_zero([p.post_id for p in posts])
        comments = self._comments.counts([p.post_id for p in posts])
        scored = sorted(
            (
                (likes.get(p.post_id, 0) + COMMENT_WEIGHT * comments.get(p.post_id, 0), p)
                for p in posts
            ),
            key=lambda pair: (-pair[0], -pair[1].post_id),
        )
        if after is not None:
            scored = [(s, p) for s, p in scored if (-s, -p.post_id) > (-after[0], -after[1])]
        page = scored[:limit]
        next_cursor = (
            f"{page[-1][0]}:{page[-1][1].post_id}" if len(scored) > limit and page else None
        )
        return Page(self._views.many(viewer_id, [p for _, p in page]), next_cursor)

    def place(self, viewer_id: str, place_id: str) -> PlaceHit:
        found = self._index.place(_check_place(place_id), self._search.audience(viewer_id))
        if found is None:
            raise NotFound("place not found")
        return found

    def place_posts(
        self, viewer_id: str, place_id: str, cursor: str | None, limit: int
    ) -> Page[PostView]:
        """Newest first. A place with no post the viewer may see is a 404."""
        check_limit(limit)
        self.place(viewer_id, place_id)
        audience = self._search.audience(viewer_id)
        return self._recent(
            viewer_id,
            lambda before, n: self._index.place_posts(place_id, audience, before, n),
            cursor,
            limit,
        )

    def nearby(
        self, viewer_id: str, lat: float, lng: float, radius_km: float, limit: int
    ) -> Sequence[NearbyPlace]:
        check_limit(limit)
        check_point(lat, lng)
        if not 0 < radius_km <= MAX_RADIUS_KM:
            raise InvalidInput(f"radius_km must be above 0 and at most {MAX_RADIUS_KM:g}")
        return self._index.nearby_places(
            lat, lng, radius_km, self._search.audience(viewer_id), limit
        )

    def _recent(
        self,
        viewer_id: str,
        fetch: Callable[[int | None, int], Sequence[int]],
        cursor: str | None,
        limit: int,
    ) -> Page[PostView]:
        before = _id_cursor(cursor)
        kept: list[Post] = []
        more = False
        while len(kept) <= limit:
            ids = fetch(before, limit + 1)
            kept += self._visible(viewer_id, ids)
            if len(ids) <= limit:
                break  # the index has nothing older
            before = ids[-1]
        if len(kept) > limit:
            kept, more = kept[:limit], True
        next_cursor = str(kept[-1].post_id) if more else None
        return Page(self._views.many(viewer_id, kept), next_cursor)

    def _visible(self, viewer_id: str, ids: Sequence[int]) -> list[Post]:
        """The posts, in order, that the stores say the viewer may see right now."""
        found = self._posts.get_many(ids)
        authors = self._users.get_many({p.author_id for p in found.values()})
        kept = []
        for post_id in ids:
            post = found.get(post_id)
            author = None if post is None else authors.get(post.author_id)
            if post is None or author is None:
                continue
            try:
                self._gate.require_post(viewer_id, post, author)
            except DomainError:
                continue
            kept.append(post)
        return kept

    def _engagement_or_zero(self, post_ids: list[int]) -> dict[int, int]:
        try:
            return dict(self._engagement.like_counts(post_ids))
        except DomainError:
            return {}  # likes unavailable: rank by comments and recency


def _check_tag(tag: str) -> str:
    cleaned = tag.strip().removeprefix("#").lower()
    if not 1 <= len(cleaned) <= MAX_TAG or any(c.isspace() or c == "#" for c in cleaned):
        raise InvalidInput(f"a hashtag is 1-{MAX_TAG} characters with no spaces")
    return cleaned


def _check_place(place_id: str) -> str:
    if not 1 <= len(place_id) <= 64:
        raise NotFound("place not found")
    return place_id


def _id_cursor(cursor: str | None) -> int | None:
    return None if cursor is None else _cursor_id(cursor)


def _cursor_id(raw: str) -> int:
    try:
        return parse_id(raw, "cursor")
    except InvalidInput as exc:
        raise MalformedCursor("malformed cursor") from exc


def _top_cursor(cursor: str | None) -> tuple[int, int] | None:
    if cursor is None:
        return None
    score, _, post_id = cursor.partition(":")
    if not is_decimal(score) or len(score) > 12:
        raise MalformedCursor("malformed cursor")
    return int(score), _cursor_id(post_id)

"""Search: users, hashtags and places, ranked by the seed's signals and filtered by who the
viewer may see. The index matches text; this service decides the audience, re-ranks with the
viewer's own signals (``docs/search.md``) and keeps the index in sync through events."""

from __future__ import annotations

import enum
from collections.abc import Sequence

import attrs

from instagram_core.domain.errors import InvalidInput
from instagram_core.domain.events import (
    FollowApproved,
    FollowCreated,
    FollowRemoved,
    PostDeleted,
    PostPublished,
    ProfileUpdated,
    UserRegistered,
)
from instagram_core.domain.pagination import check_limit
from instagram_core.domain.posts import Post
from instagram_core.domain.users import User
from instagram_core.policies.places import place_id
from instagram_core.policies.search_ranking import final_user_score, hashtag_score
from instagram_core.policies.visibility import AudienceGate
from instagram_core.ports.affinity import AffinityStore
from instagram_core.ports.clock import Clock
from instagram_core.ports.posts import PostStore
from instagram_core.ports.search import (
    Audience,
    HashtagHit,
    PlaceDocument,
    PlaceHit,
    PostDocument,
    SearchIndex,
    UserDocument,
)
from instagram_core.ports.social_graph import SocialGraph
from instagram_core.ports.trending import TrendingTags
from instagram_core.ports.users import UserStore

MAX_QUERY = 64
MAX_TRENDING = 50
MAX_RESULTS = 50  # per list
USER_WINDOW = 150  # candidates the index ranks statically before the viewer's re-rank
REINDEX_BATCH = 200


class SearchType(enum.StrEnum):
    TOP = "top"
    USERS = "users"
    HASHTAGS = "hashtags"
    PLACES = "places"


@attrs.frozen
class UserResult:
    user: User
    follower_count: int
    mutual_count: int


@attrs.frozen
class SearchResults:
    users: Sequence[UserResult]
    hashtags: Sequence[HashtagHit]
    places: Sequence[PlaceHit]


def parse_type(raw: str) -> SearchType:
    try:
        return SearchType(raw)
    except ValueError:
        allowed = ", ".join(t.value for t in SearchType)
        raise InvalidInput(f"type must be one of {allowed}, got {raw!r}") from None


def post_document(post: Post, author: User) -> PostDocument:
    location = post.location
    place = None
    if location is not None:
        place = PlaceDocument(
            place_id(location.name, location.lat, location.lng),
            location.name,
            location.lat,
            location.lng,
        )
    return PostDocument(
        post_id=post.post_id,
        author_id=post.author_id,
        author_private=author.is_private,
        created_at=post.created_at,
        hashtags=post.hashtags,
        place=place,
    )


class SearchService:
    def __init__(
        self,
        index: SearchIndex,
        users: UserStore,
        posts: PostStore,
        graph: SocialGraph,
        affinity: AffinityStore,
        trending: TrendingTags,
        clock: Clock,
        gate: AudienceGate,
    ) -> None:
        self._index = index
        self._users = users
        self._posts = posts
        self._graph = graph
        self._affinity = affinity
        self._trending = trending
        self._clock = clock
        self._gate = gate

    def audience(self, viewer_id: str) -> Audience:
        """Whose posts the viewer may see: see :class:`~instagram_core.ports.search.Audience`."""
        return Audience(
            hidden=frozenset(self._gate.blocked_ids(viewer_id)),
            private_allowed=frozenset({viewer_id, *self._graph.following_ids(viewer_id)}),
        )

    def search(
        self, viewer_id: str, query: str, limit: int = 10, kind: SearchType = SearchType.TOP
    ) -> SearchResults:
        """``#tag`` searches hashtags only; a typed query fills its own list. ``limit`` (of
        each list) outside 1..50 is refused, not clamped."""
        check_limit(limit, MAX_RESULTS)
        query = query.strip()
        if not 1 <= len(query) <= MAX_QUERY:
            raise InvalidInput(f"q must be 1-{MAX_QUERY} characters")
        if query.startswith("#"):
            if kind not in (SearchType.TOP, SearchType.HASHTAGS):
                raise InvalidInput(f"a #query searches hashtags, not {kind.value}")
            kind = SearchType.HASHTAGS
        wants = {kind} if kind is not SearchType.TOP else set(SearchType)
        audience = self.audience(viewer_id)
        return SearchResults(
            users=self._users_for(viewer_id, query, audience, limit)
            if SearchType.USERS in wants
            else (),
            hashtags=self._hashtags_for(query, audience, limit)
            if SearchType.HASHTAGS in wants
            else (),
            places=self._index.search_places(query, audience, limit)
            if SearchType.PLACES in wants
            else (),
        )

    def _users_for(
        self, viewer_id: str, query: str, audience: Audience, limit: int
    ) -> list[UserResult]:
        hits = self._index.search_users(query, audience.hidden, max(USER_WINDOW, limit))
        ids = [hit.user_id for hit in hits]
        found = self._users.get_many(ids)
        followers = self._graph.follower_counts(ids)
        mutuals = self._graph.mutual_counts(viewer_id, ids)
        history = self._affinity.history(viewer_id, ids, (), (), self._clock.now())
        ranked = sorted(
            (hit for hit in hits if hit.user_id in found),
            key=lambda hit: (
                -hit.tier,
                -final_user_score(
                    hit.score,
                    mutuals.get(hit.user_id, 0),
                    history.author_affinity.get(hit.user_id, 0.0),
                ),
                found[hit.user_id].username,
            ),
        )
        return [
            UserResult(found[h.user_id], followers.get(h.user_id, 0), mutuals.get(h.user_id, 0))
            for h in ranked[:limit]
        ]

    def _hashtags_for(self, query: str, audience: Audience, limit: int) -> list[HashtagHit]:
        hits = self._index.search_hashtags(query, audience, max(3 * limit, 30))
        velocity = dict(self._trending.top(MAX_TRENDING, self._clock.now()))
        ranked = sorted(
            hits,
            key=lambda hit: (
                -hit.tier,
                -hashtag_score(hit.post_count, velocity.get(hit.tag, 0.0)),
                hit.tag,
            ),
        )
        return ranked[:limit]

    def trending(self, limit: int = 10) -> Sequence[tuple[str, float]]:
        """Hashtags used most in the past hours, decaying by half every hour; ``limit``
        outside 1..50 is refused."""
        return self._trending.top(check_limit(limit, MAX_TRENDING), self._clock.now())

    # -- keeping the index in sync (the indexer worker) ------------------------------------
    def index_user(self, user_id: str, index: SearchIndex | None = None) -> None:
        """Re-file the user from the stores (idempotent, so any replay converges)."""
        user = self._users.get(user_id)
        if user is not None:
            (index or self._index).put_user(
                UserDocument(
                    user_id=user.user_id,
                    username=user.username,
                    display_name=user.display_name,
                    is_private=user.is_private,
                    is_verified=user.is_verified,
                    follower_count=self._graph.count_followers(user.user_id),
                )
            )

    def index_post(self, post_id: int, index: SearchIndex | None = None) -> None:
        """File the post if it is published (and its author exists), forget it otherwise."""
        target = index or self._index
        post = self._posts.get(post_id)
        author = None if post is None else self._users.get(post.author_id)
        if post is None or author is None or not post.is_published:
            target.remove_post(post_id)
            return
        target.put_post(post_document(post, author))

    def on_user_changed(self, event: UserRegistered | ProfileUpdated) -> None:
        self.index_user(event.user_id)

    def on_follow_changed(self, event: FollowCreated | FollowApproved | FollowRemoved) -> None:
        self.index_user(event.followee_id)  # its follower count moved

    def on_post_published(self, event: PostPublished) -> None:
        self.index_post(event.post_id)
        post = self._posts.get(event.post_id)
        if post is not None and post.hashtags:
            # keyed by the post: a redelivered PostPublished counts its tags once
            self._trending.bump(post.hashtags, self._clock.now(), use_id=f"post:{post.post_id}")

    def on_post_deleted(self, event: PostDeleted) -> None:
        self._index.remove_post(event.post_id)

    def reindex_into(self, index: SearchIndex) -> tuple[int, int]:
        """File every account and every published post from the stores into ``index``
        (a fresh one: ``instagram search reindex`` swaps it in afterwards). Returns the
        numbers of users and posts filed."""
        users = posts = 0
        after: str | None = None
        while batch := self._users.ids_after(after, REINDEX_BATCH):
            for user_id in batch:
                self.index_user(user_id, index)
                users += 1
                posts += self._reindex_posts_of(user_id, index)
            after = batch[-1]
        return users, posts

    def _reindex_posts_of(self, author_id: str, index: SearchIndex) -> int:
        filed, before = 0, None
        while page := self._posts.by_author(author_id, before, REINDEX_BATCH, True):
            for post in page:
                self.index_post(post.post_id, index)
                filed += 1
            before = page[-1].post_id
        return filed

"""The Explore page: posts from accounts the viewer does not follow, found by four sources
(item-item neighbours of what the viewer engaged with, the viewer's topics, what followed
accounts liked, trending), filtered, ranked once per session into a snapshot that every page
continues, and filtered again on every read (``docs/explore.md``)."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Mapping, Sequence

import attrs

from instagram_core.domain.errors import DomainError, InvalidInput, MalformedCursor, Unavailable
from instagram_core.domain.events import (
    CommentAdded,
    PostDeleted,
    PostLiked,
    PostSaved,
    PostUnsaved,
)
from instagram_core.domain.ids import parse_cursor_id
from instagram_core.domain.pagination import Page, check_limit, read_snapshot
from instagram_core.domain.posts import Post
from instagram_core.policies.explore import ExploreCandidate, explore_order, relevance
from instagram_core.ports.clock import Clock
from instagram_core.ports.explore import SEEN_RETENTION, Engagement, ExploreStore
from instagram_core.ports.feed_snapshots import FeedSnapshots
from instagram_core.ports.ids import IdGenerator
from instagram_core.ports.posts import PostStore
from instagram_core.ports.ranking import Ranker
from instagram_core.ports.restrictions import Restrictions
from instagram_core.ports.search import Audience, SearchIndex
from instagram_core.ports.social_graph import SocialGraph
from instagram_core.ports.users import UserStore
from instagram_core.services.views import PostView, PostViews

LIKE_WEIGHT = 1.0
COMMENT_WEIGHT = 2.0  # as in the feed's affinity: a comment says more than a like
SAVE_WEIGHT = 4.0  # as the feed's rank weights value a save: kept to come back to
SNAPSHOT_TTL = 15 * 60  # seconds an Explore session stays pageable after its last read
CANDIDATES = 500  # at most this many posts are ranked per session
HISTORY = 200  # the viewer's newest engagements that seed neighbours and topics
SEEDS = 50  # of which the newest distinct posts ask for neighbours
NEIGHBOURS_PER_SEED = 20
FOLLOWED_SAMPLE = 500  # followed accounts whose likes count as social proximity
SOCIAL_ENGAGEMENTS = 300
TOPICS = 5  # the viewer's strongest hashtags
POSTS_PER_TOPIC = 30
TRENDING = 200
_PREFIX = "x"


@attrs.frozen
class ExploreStores:
    """What Explore reads besides its own store, grouped to keep the constructor short."""

    posts: PostStore
    users: UserStore
    graph: SocialGraph
    restrictions: Restrictions
    index: SearchIndex
    snapshots: FeedSnapshots


@attrs.frozen
class _Viewer:
    """Whose posts the viewer may not get in Explore, and the viewer's topics."""

    viewer_id: str
    excluded: frozenset[str]  # the viewer, followed, blocked either way, muted
    known_tags: frozenset[str]


class ExploreService:
    def __init__(
        self,
        store: ExploreStore,
        stores: ExploreStores,
        ranker: Ranker,
        views: PostViews,
        ids: IdGenerator,
        clock: Clock,
    ) -> None:
        self._store = store
        self._s = stores
        self._ranker = ranker
        self._views = views
        self._ids = ids
        self._clock = clock

    def page(self, viewer_id: str, cursor: str | None, limit: int) -> Page[PostView]:
        """A fresh read ranks the candidates once and keeps the order as a snapshot; the
        cursor continues it, so paging never repeats or skips a post. Every page is
        filtered again, so a follow, block, privacy flip or deletion since the first page
        takes effect on the next one."""
        check_limit(limit)
        if cursor is None:
            return self._fresh(viewer_id, limit)
        snapshot_id, offset = _parse_cursor(cursor)
        return self._continue(viewer_id, snapshot_id, offset, limit)

    # -- the log, fed by the bus -------------------------------------------------------

    def on_post_liked(self, event: PostLiked) -> None:
        self._record(
            event.user_id, event.post_id, LIKE_WEIGHT, f"like:{event.user_id}:{event.post_id}"
        )

    def on_comment_added(self, event: CommentAdded) -> None:
        self._record(
            event.commenter_id, event.post_id, COMMENT_WEIGHT, f"comment:{event.comment_id}"
        )

    def on_post_saved(self, event: PostSaved) -> None:
        self._record(event.user_id, event.post_id, SAVE_WEIGHT, _act_id("save", event))

    def on_post_unsaved(self, event: PostUnsaved) -> None:
        """The log is append-only: an unsave is an entry of the opposite weight, so the
        save and its removal sum to nothing wherever weights are summed (per user and post
        in the similarity, per post in trending, per tag in topics)."""
        self._record(event.user_id, event.post_id, -SAVE_WEIGHT, _act_id("unsave", event))

    def on_post_deleted(self, event: PostDeleted) -> None:
        self._store.forget_post(event.post_id)

    def _record(self, user_id: str, post_id: int, weight: float, event_id: str) -> None:
        post = self._s.posts.get(post_id)
        if post is None or post.author_id == user_id:
            return  # gone, or one's own post: says nothing about taste
        engagement = Engagement(
            user_id, post_id, post.author_id, weight, self._clock.now(), post.hashtags
        )
        self._store.record(engagement, event_id)

    # -- reading -----------------------------------------------------------------------

    def _fresh(self, viewer_id: str, limit: int) -> Page[PostView]:
        history = self._store.recent_by([viewer_id], HISTORY)
        viewer = self._viewer(viewer_id, history)
        scores = self._sources(viewer, history)
        engaged = {e.post_id for e in history}
        seen = self._seen(viewer_id)
        ids = sorted(set(scores) - engaged - seen, key=lambda i: (-scores[i], -i))
        posts: list[Post] = []
        for start in range(0, len(ids), CANDIDATES):  # the most relevant eligible 500
            posts += self._eligible(viewer, ids[start : start + CANDIDATES])
            if len(posts) >= CANDIDATES:
                break
        posts = posts[:CANDIDATES]
        order = self._rank(viewer, posts, scores)
        cursor = None
        if len(order) > limit:
            snapshot_id = str(self._ids.next_id())
            self._s.snapshots.save(_key(viewer_id), snapshot_id, order, SNAPSHOT_TTL)
            cursor = f"{_PREFIX}.{snapshot_id}.{limit}"
        by_id = {p.post_id: p for p in posts}
        return self._shown(viewer_id, [by_id[i] for i in order[:limit]], cursor)

    def _continue(
        self, viewer_id: str, snapshot_id: str, offset: int, limit: int
    ) -> Page[PostView]:
        ids = self._s.snapshots.load(_key(viewer_id), snapshot_id, offset, CANDIDATES)
        if ids is None:
            raise InvalidInput("this explore cursor has expired; load explore from the top")
        viewer = self._viewer(viewer_id, self._store.recent_by([viewer_id], HISTORY))
        read = read_snapshot(
            ids, limit, lambda window: {p.post_id: p for p in self._eligible(viewer, window)}
        )
        page, consumed, more = read.page, read.consumed, read.more
        cursor = f"{_PREFIX}.{snapshot_id}.{offset + consumed}" if more else None
        return self._shown(viewer_id, page, cursor)

    def _shown(self, viewer_id: str, page: list[Post], cursor: str | None) -> Page[PostView]:
        """The page, remembered as seen (best effort: failing to remember must not fail
        the read; the post then may come back in a later session)."""
        if page:
            with contextlib.suppress(Unavailable):
                self._store.mark_seen(viewer_id, [p.post_id for p in page], self._clock.now())
        return Page(self._views.many(viewer_id, page), cursor)

    def _viewer(self, viewer_id: str, history: Sequence[Engagement]) -> _Viewer:
        restrictions = self._s.restrictions
        excluded = {
            viewer_id,
            *self._s.graph.following_ids(viewer_id),
            *restrictions.blocked_ids(viewer_id),
            *restrictions.muted_ids(viewer_id),
        }
        tags = frozenset(t for e in history for t in e.hashtags)
        return _Viewer(viewer_id, frozenset(excluded), tags)

    def _seen(self, viewer_id: str) -> set[int]:
        try:
            return self._store.seen_since(viewer_id, self._clock.now() - SEEN_RETENTION)
        except Unavailable:
            return set()

    def _sources(self, viewer: _Viewer, history: Sequence[Engagement]) -> dict[int, float]:
        """Relevance per candidate post (:func:`~instagram_core.policies.explore.relevance`)
        over the four sources."""
        return relevance(
            [
                self._similar(history),
                self._topics(viewer, history),
                self._social(viewer),
                dict(self._store.trending(TRENDING)),
            ]
        )

    def _similar(self, history: Sequence[Engagement]) -> Mapping[int, float]:
        """Collaborative filtering: the neighbours of the viewer's newest engaged posts,
        each weighted by similarity x the viewer's engagement weight."""
        weights: dict[int, float] = defaultdict(float)
        for e in history:
            weights[e.post_id] += e.weight
        seeds = list(dict.fromkeys(e.post_id for e in history))[:SEEDS]
        scores: dict[int, float] = defaultdict(float)
        for seed, neighbours in self._store.neighbours(seeds, NEIGHBOURS_PER_SEED).items():
            for post_id, similarity in neighbours:
                scores[post_id] += similarity * weights[seed]
        return scores

    def _topics(self, viewer: _Viewer, history: Sequence[Engagement]) -> Mapping[int, float]:
        """Interest topics: the newest public posts of the viewer's strongest hashtags,
        scored by the tag's weight in the viewer's history. The search index being down
        only takes this source away."""
        tags: dict[str, float] = defaultdict(float)
        for e in history:
            for tag in e.hashtags:
                tags[tag] += e.weight
        strongest = sorted(tags.items(), key=lambda item: (-item[1], item[0]))[:TOPICS]
        audience = Audience(hidden=viewer.excluded, private_allowed=frozenset())
        scores: dict[int, float] = defaultdict(float)
        for tag, weight in strongest:
            try:
                found = self._s.index.tagged_posts(tag, audience, None, POSTS_PER_TOPIC)
            except DomainError:
                return scores
            for post_id in found:
                scores[post_id] += weight
        return scores

    def _social(self, viewer: _Viewer) -> Mapping[int, float]:
        """Social proximity: posts liked or commented on by accounts the viewer follows."""
        following = list(self._s.graph.following_ids(viewer.viewer_id))[:FOLLOWED_SAMPLE]
        scores: dict[int, float] = defaultdict(float)
        if following:
            for e in self._store.recent_by(following, SOCIAL_ENGAGEMENTS):
                scores[e.post_id] += e.weight
        return scores

    def _eligible(self, viewer: _Viewer, ids: Sequence[int]) -> list[Post]:
        """The posts, in order, Explore may show the viewer: published (not processing,
        failed, rejected by moderation or deleted), by a public account that is not the
        viewer, not followed and not blocked or muted either way."""
        found = self._s.posts.get_many(ids)
        authors = self._s.users.get_many(
            {p.author_id for p in found.values() if p.author_id not in viewer.excluded}
        )
        kept = []
        for post_id in ids:
            post = found.get(post_id)
            if post is None or not post.is_published or post.author_id in viewer.excluded:
                continue
            author = authors.get(post.author_id)
            if author is None or author.is_private:
                continue
            kept.append(post)
        return kept

    def _rank(
        self, viewer: _Viewer, posts: Sequence[Post], scores: Mapping[int, float]
    ) -> list[int]:
        predicted = self._ranker.score(viewer.viewer_id, posts) if posts else []
        candidates = [
            ExploreCandidate(p.post_id, p.author_id, p.hashtags, scores[p.post_id], s)
            for p, s in zip(posts, predicted, strict=True)
        ]
        return explore_order(candidates, viewer.known_tags)


def _key(viewer_id: str) -> str:
    """Explore's snapshots live beside the feed's, under their own key."""
    return f"explore:{viewer_id}"


def _parse_cursor(cursor: str) -> tuple[str, int]:
    parts = cursor.split(".")
    if len(parts) != 3 or parts[0] != _PREFIX or not parts[2].isdigit() or len(parts[2]) > 6:
        raise MalformedCursor("malformed cursor: pass back a next_cursor exactly as received")
    parse_cursor_id(parts[1])
    return parts[1], int(parts[2])


def _act_id(kind: str, event: PostSaved | PostUnsaved) -> str:
    """One id per act, the same on a redelivery: a post saved, unsaved and saved again is
    three entries, a save delivered twice is one."""
    at = "" if event.occurred_at is None else f":{event.occurred_at.isoformat()}"
    return f"{kind}:{event.user_id}:{event.post_id}{at}"

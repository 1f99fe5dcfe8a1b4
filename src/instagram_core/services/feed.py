"""The home feed on the read side: candidates from the cached feed (rebuilt from the graph
when absent), ranked once per session into a snapshot that every page continues, filtered on
read so that nothing the viewer may no longer see is ever shown."""

from __future__ import annotations

import contextlib
import heapq
import itertools
from collections.abc import Collection, Sequence

import attrs

from instagram_core.domain.errors import InvalidInput, MalformedCursor, Unavailable
from instagram_core.domain.events import FeedPageShown
from instagram_core.domain.ids import is_decimal, parse_cursor_id, parse_id
from instagram_core.domain.pagination import check_limit, read_snapshot
from instagram_core.domain.posts import Post
from instagram_core.policies.diversity import diversify
from instagram_core.policies.fanout import FanoutPolicy
from instagram_core.ports.events import EventBus
from instagram_core.ports.feed_cache import FEED_CAPACITY, FeedCache
from instagram_core.ports.feed_snapshots import FeedSnapshots
from instagram_core.ports.ids import IdGenerator
from instagram_core.ports.posts import PostStore
from instagram_core.ports.ranking import Ranker
from instagram_core.ports.restrictions import Restrictions
from instagram_core.ports.social_graph import SocialGraph
from instagram_core.services.audience import Audience
from instagram_core.services.freshness import (
    Freshness,
    ReadRecorder,
    ReadStamp,
    feed_key,
    post_keys,
    profile_key,
    relations_key,
    timeline_key,
)
from instagram_core.services.post_rows import PostRows
from instagram_core.services.pulled_timelines import PulledTimelines
from instagram_core.services.views import PostView, PostViews

SNAPSHOT_TTL = 15 * 60  # seconds a ranked order stays pageable after its last read
_RANKED, _CHRONOLOGICAL = "r", "c"


@attrs.frozen
class FeedPage:
    items: Sequence[PostView]
    next_cursor: str | None
    ranked: bool  # False when served reverse-chronologically because the cache was down
    # What a ranked page was read under: it may be served again while
    # ``FeedService.is_current(stamp)``. None on the degraded path, which is not reused.
    stamp: ReadStamp | None = None
    # Ids of the cached feed whose posts could not be read (the post store is down): the
    # page says what it is missing instead of failing. Empty on every healthy read.
    unhydrated: tuple[int, ...] = ()


@attrs.frozen
class FeedStores:
    """The stores the feed reads, grouped to keep the constructor readable."""

    feeds: FeedCache
    snapshots: FeedSnapshots
    graph: SocialGraph
    restrictions: Restrictions
    posts: PostStore


class FeedService:
    def __init__(
        self,
        stores: FeedStores,
        ranker: Ranker,
        views: PostViews,
        ids: IdGenerator,
        bus: EventBus,
        freshness: Freshness,
        policy: FanoutPolicy | None = None,
        timelines: PulledTimelines | None = None,
        rows: PostRows | None = None,
    ) -> None:
        self._freshness = freshness
        self._timelines = timelines
        self._rows = rows
        self._bus = bus
        self._s = stores
        self._ranker = ranker
        self._views = views
        self._ids = ids
        self._policy = policy or FanoutPolicy()

    def home(self, viewer_id: str, cursor: str | None, limit: int) -> FeedPage:
        """A page of published posts by the viewer and the accounts they actively follow.

        A fresh read ranks every candidate once and keeps the order as a snapshot; the
        cursor continues that snapshot, so paging never repeats or skips a post while new
        ones arrive (they show on the next fresh read). With the cache down the feed is
        served newest first, cursor by post id, and marked ``ranked: false``. With the post
        store down too, the cached ids are served as ``unhydrated`` (see :meth:`_unhydrated`)."""
        limit = check_limit(limit)
        kind, token, position = _parse_cursor(cursor)
        if kind == _CHRONOLOGICAL:
            try:
                return self._chronological(viewer_id, int(token), limit)
            except Unavailable:
                return self._unhydrated(viewer_id, int(token), limit)
        try:
            if kind == _RANKED:
                return self._continue(viewer_id, token, position, limit)
            return self._fresh(viewer_id, limit)
        except Unavailable:
            pass
        try:
            return self._chronological(viewer_id, None, limit)
        except Unavailable:
            return self._unhydrated(viewer_id, None, limit)

    def is_current(self, stamp: ReadStamp) -> bool:
        """Whether a ranked page read under ``stamp`` still shows what a read now would
        (but for ranking drift, on a first page): no post on it, author of it, tie of the
        viewer and, for a first page, no feed id or followed celebrity's post has changed."""
        return self._freshness.is_current(stamp)

    def count_new(self, viewer_id: str, since: str) -> int:
        """How many visible posts are newer than ``since`` (a post id, or a feed cursor:
        its snapshot id is a time-ordered id too): the "new posts" pill."""
        token = _parse_cursor(since)[1] if "." in since else since
        threshold = parse_id(token, "since")
        audience = self._audience(viewer_id)
        try:
            ids = self._s.feeds.page(viewer_id, None, FEED_CAPACITY)
        except Unavailable:
            ids = None
        if ids is None:  # no cache to read: ask the authors' timelines
            per_author = self._policy.rebuild_posts_per_author
            shown = audience.everyone()
            pulled = self._pulled(shown, None, FEED_CAPACITY, per_author=per_author)
            return sum(1 for p in pulled if p.post_id > threshold)
        merged = self._merged(viewer_id, ids)
        return len(self._visible([i for i in merged if i > threshold], audience))

    def _fresh(self, viewer_id: str, limit: int) -> FeedPage:
        # Each part's versions are noted before the part is read (see services.freshness).
        reads = self._freshness.recorder()
        reads.note([relations_key(viewer_id), feed_key(viewer_id)])
        audience = self._audience(viewer_id)
        cached = self._s.feeds.page(viewer_id, None, FEED_CAPACITY)
        if cached is None:
            rebuilt = self._rebuild(viewer_id, self._following(viewer_id))
            reads.note([feed_key(viewer_id)])  # past our own write; then read it back
            cached = self._s.feeds.page(viewer_id, None, FEED_CAPACITY)
            if cached is None:  # a cache that keeps nothing: what was written will do
                cached = rebuilt
        ids = self._merged(viewer_id, cached, reads)
        candidates = self._visible(ids, audience)
        order = self._rank(viewer_id, candidates)
        cursor = None
        if len(order) > limit:  # a snapshot only where a cursor can reach it
            snapshot_id = str(self._ids.next_id())
            self._s.snapshots.save(viewer_id, snapshot_id, order, SNAPSHOT_TTL)
            cursor = f"{_RANKED}.{snapshot_id}.{limit}"
        by_id = {p.post_id: p for p in candidates}
        page = self._settled([by_id[i] for i in order[:limit]], audience, reads)
        return self._shown_page(viewer_id, page, cursor, reads.stamp())

    def _settled(self, page: list[Post], audience: Audience, reads: ReadRecorder) -> list[Post]:
        """The page's posts read again now that their versions are noted: a post deleted
        since it was picked is dropped here, or its deletion is marked after the note."""
        authors = {u for p in page for u in (p.author_id, *p.tagged_user_ids)}
        reads.note([*post_keys(p.post_id for p in page), *map(profile_key, authors)])
        return self._visible([p.post_id for p in page], audience)

    def _continue(self, viewer_id: str, snapshot_id: str, offset: int, limit: int) -> FeedPage:
        reads = self._freshness.recorder()
        reads.note([relations_key(viewer_id)])
        ids = self._s.snapshots.load(viewer_id, snapshot_id, offset, FEED_CAPACITY)
        if ids is None:
            raise InvalidInput("this feed cursor has expired; load the feed from the top")
        audience = self._audience(viewer_id)
        read = read_snapshot(
            ids, limit, lambda window: {p.post_id: p for p in self._visible(window, audience)}
        )
        page, consumed, more = read.page, read.consumed, read.more
        cursor = f"{_RANKED}.{snapshot_id}.{offset + consumed}" if more else None
        page = self._settled(page, audience, reads)
        return self._shown_page(viewer_id, page, cursor, reads.stamp())

    def _shown_page(
        self,
        viewer_id: str,
        page: list[Post],
        cursor: str | None,
        stamp: ReadStamp | None = None,
    ) -> FeedPage:
        """The page, to be remembered as seen (seen posts rank lower next time) off the
        request path. Best effort: a failure to remember must not fail the read. Seen marks
        change no version: they steer the next ranking, not what this page shows."""
        if page:
            with contextlib.suppress(Unavailable):
                self._bus.publish(FeedPageShown(viewer_id, tuple(p.post_id for p in page)))
        return FeedPage(self._views.many(viewer_id, page), cursor, True, stamp)

    def _chronological(self, viewer_id: str, before: int | None, limit: int) -> FeedPage:
        """The degraded path: fan-out on read, newest first, no cache and no snapshot."""
        shown = self._audience(viewer_id).everyone()
        posts = self._pulled(shown, before, limit + 1, per_author=limit + 1)
        page = posts[:limit]
        cursor = f"{_CHRONOLOGICAL}.{page[-1].post_id}" if len(posts) > limit else None
        return FeedPage(self._views.many(viewer_id, page), cursor, False)

    def _unhydrated(self, viewer_id: str, before: int | None, limit: int) -> FeedPage:
        """The last resort: the post store cannot be read, so the page lists the cached
        feed's ids it could not hydrate (newest first; a chronological cursor continues
        them). Raises ``Unavailable`` when the feed cache cannot answer either."""
        ids = self._s.feeds.page(viewer_id, before, limit + 1)
        if ids is None:
            raise Unavailable("the post store is unavailable and this feed is not cached")
        page = tuple(ids[:limit])
        cursor = f"{_CHRONOLOGICAL}.{page[-1]}" if len(ids) > limit else None
        return FeedPage([], cursor, False, unhydrated=page)

    def _rank(self, viewer_id: str, candidates: Sequence[Post]) -> list[int]:
        scores = self._ranker.score(viewer_id, candidates)
        return diversify(
            [(p.post_id, p.author_id, s) for p, s in zip(candidates, scores, strict=True)]
        )

    def _merged(
        self,
        viewer_id: str,
        cached: Sequence[int],
        reads: ReadRecorder | None = None,
    ) -> list[int]:
        """The cached (pushed) ids merged with the recent posts of followed celebrities,
        whose posts are never pushed: the hybrid's read side. Newest first, at most a
        feed's capacity, each id once."""
        celebrities = self._celebrities(viewer_id)
        if not celebrities:
            return list(cached)
        per_author = self._policy.celebrity_posts
        if reads is not None and self._timelines is not None:
            keys = [timeline_key(author) for author in celebrities]
            reads.note(keys)
            pulled = self._timelines.newest_ids(celebrities, reads.noted(keys), per_author)
        else:
            if reads is not None:
                reads.note(timeline_key(author) for author in celebrities)
            posts = self._pulled(celebrities, None, FEED_CAPACITY, per_author=per_author)
            pulled = [p.post_id for p in posts]
        # The newest of the union: the same as merging the pulled timelines first.
        ids = set(cached).union(pulled)
        return sorted(ids, reverse=True)[:FEED_CAPACITY]

    def _celebrities(self, viewer_id: str) -> list[str]:
        """The accounts pulled on read among those the viewer follows, and the viewer:
        one graph query, whose cost follows the celebrities rather than the follow count."""
        graph, floor = self._s.graph, self._policy.pull_floor
        pulled = list(graph.popular_followees(viewer_id, floor))
        if graph.count_followers(viewer_id) > floor and viewer_id not in pulled:
            pulled.append(viewer_id)
        return pulled

    def _following(self, viewer_id: str) -> set[str]:
        return {*self._s.graph.following_ids(viewer_id), viewer_id}

    def _audience(self, viewer_id: str) -> Audience:
        restrictions = self._s.restrictions
        hidden = restrictions.muted_ids(viewer_id) | restrictions.blocked_ids(viewer_id)
        return Audience(self._s.graph, viewer_id, hidden)

    def _visible(self, ids: Sequence[int], audience: Audience) -> list[Post]:
        found = (self._s.posts if self._rows is None else self._rows).get_many(ids)
        posts = [p for i in ids if (p := found.get(i)) and p.is_published]
        shown = audience.among({p.author_id for p in posts})
        return [p for p in posts if p.author_id in shown]

    def _rebuild(self, viewer_id: str, following: set[str]) -> list[int]:
        """Pull the feed from the authors' timelines into the cache; returns the ids written
        (newest first, at most a feed's capacity)."""
        pulled = self._pulled(
            following, None, FEED_CAPACITY, per_author=self._policy.rebuild_posts_per_author
        )
        ids = [p.post_id for p in pulled]
        self._s.feeds.add_many(viewer_id, ids)
        return ids

    def _pulled(
        self, authors: Collection[str], before: int | None, total: int, per_author: int
    ) -> list[Post]:
        """Fan-out on read: merge the newest posts of every author in ``authors``."""
        streams = [
            self._s.posts.by_author(author, before, per_author, published_only=True)
            for author in authors
        ]
        merged = heapq.merge(*streams, key=lambda p: p.post_id, reverse=True)
        return list(itertools.islice(merged, total))


def _parse_cursor(cursor: str | None) -> tuple[str, str, int]:
    """``r.<snapshot>.<offset>`` continues a ranked snapshot; ``c.<post id>`` the
    chronological fallback. Anything else is a client error."""
    if not cursor:
        return "", "", 0
    parts = cursor.split(".")
    if len(parts) == 3 and parts[0] == _RANKED and is_decimal(parts[2]):
        parse_cursor_id(parts[1])
        return _RANKED, parts[1], int(parts[2])
    if len(parts) == 2 and parts[0] == _CHRONOLOGICAL:
        return _CHRONOLOGICAL, str(parse_cursor_id(parts[1])), 0
    raise MalformedCursor("malformed cursor: pass back a next_cursor exactly as received")

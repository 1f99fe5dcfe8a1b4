"""The learned feed ranker: gathers the facts the engagement model reads from the stores,
in one batched call per store, and lets the model score them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol

from instagram_core.domain.events import CommentAdded, FeedPageShown, PostLiked
from instagram_core.domain.media import MediaType
from instagram_core.domain.posts import Post
from instagram_core.domain.ranking import CandidateColumns
from instagram_core.ports.affinity import AffinityStore
from instagram_core.ports.clock import Clock
from instagram_core.ports.engagement import EngagementStore
from instagram_core.ports.posts import PostStore
from instagram_core.ports.ranking import EngagementModel
from instagram_core.ports.social_graph import SocialGraph
from instagram_core.services.comment_counts import CommentCounts
from instagram_core.services.post_rows import PostRows, RowFacts

LIKE_WEIGHT = 1.0
COMMENT_WEIGHT = 2.0  # a comment says more about a relationship than a like


class MediaTypes(Protocol):
    """What the ranker reads of the media: :meth:`MediaStore.types`, or a cache of it
    (``services.media_types.KeptMediaTypes``)."""

    def types(self, media_ids: Iterable[int]) -> Mapping[int, MediaType]: ...


class ModelRanker:
    """:class:`~instagram_core.ports.ranking.Ranker` backed by an engagement model."""

    def __init__(
        self,
        posts: PostStore,
        media: MediaTypes,
        engagement: EngagementStore,
        comments: CommentCounts,
        graph: SocialGraph,
        affinity: AffinityStore,
        model: EngagementModel,
        clock: Clock,
        rows: PostRows | None = None,
    ) -> None:
        """``rows``: the feed's post rows, which keep each row's counts and media type with
        it, so a candidate read through them is not looked up again (see PostRows.facts)."""
        self._rows = rows
        self._posts = posts
        self._media = media
        self._engagement = engagement
        self._comments = comments
        self._graph = graph
        self._affinity = affinity
        self._model = model
        self._clock = clock

    def score(self, viewer_id: str, candidates: Sequence[Post]) -> Sequence[float]:
        if not candidates:
            return []
        now = self._clock.now()
        facts = self._facts(candidates, now)
        history = self._affinity.history(
            viewer_id,
            set(facts.author_ids),
            {t for tags in facts.hashtags for t in tags},
            facts.post_ids,
            now,
        )
        return self._model.score(history, facts)

    def on_page_shown(self, event: FeedPageShown) -> None:
        self._affinity.mark_seen(event.viewer_id, event.post_ids, self._clock.now())

    def on_post_liked(self, event: PostLiked) -> None:
        # One like per (viewer, post) counts: a redelivery, or an unlike and like again
        # within the affinity's memory, adds nothing more.
        event_id = f"like:{event.user_id}:{event.post_id}"
        self._remember(event.user_id, event.post_id, LIKE_WEIGHT, event_id)

    def on_comment_added(self, event: CommentAdded) -> None:
        # Each comment counts once: a redelivered one adds nothing.
        event_id = f"comment:{event.comment_id}"
        self._remember(event.commenter_id, event.post_id, COMMENT_WEIGHT, event_id)

    def _remember(self, viewer_id: str, post_id: int, weight: float, event_id: str) -> None:
        post = self._posts.get(post_id)
        if post is not None and post.author_id != viewer_id:
            self._affinity.record(
                viewer_id, post.author_id, post.hashtags, weight, self._clock.now(), event_id
            )

    def _facts(self, posts: Sequence[Post], now: datetime) -> CandidateColumns:
        """The candidates' facts as columns: each post's own facts as one tuple (kept with
        its row, see PostRows.facts), turned into columns by one ``zip``; the authors'
        follower counts in one batched call."""
        known = (
            self._row_facts(posts)
            if self._rows is None
            else self._rows.facts(posts, self._row_facts)
        )
        if not known:
            return CandidateColumns.of([])
        ids, authors, published, likes, comments, video, media, tags, located = zip(
            *known, strict=True
        )
        followers = self._graph.follower_counts(set(authors))
        # Whole microseconds, as timedelta.total_seconds() divides them: the same floats.
        now_micros = _micros(now)
        return CandidateColumns(
            post_ids=ids,
            author_ids=authors,
            age_hours=[(now_micros - at) / 1_000_000 / 3600.0 for at in published],
            likes=likes,
            comments=comments,
            is_video=video,
            media_counts=media,
            author_followers=[followers.get(a, 0) for a in authors],
            hashtags=tags,
            has_location=located,
        )

    def _row_facts(self, posts: Sequence[Post]) -> list[RowFacts]:
        """What the ranker reads about each post (see RowFacts): one batched call per
        store for the counts and the first media's type."""
        ids = [p.post_id for p in posts]
        first_media = [p.media_ids[0] for p in posts]
        likes = self._engagement.like_counts(ids)
        comments = self._comments.counts(ids)
        types = self._media.types(first_media)
        video = MediaType.VIDEO
        return [
            (
                p.post_id,
                p.author_id,
                _micros(p.published_at or p.created_at),
                likes.get(p.post_id, 0),
                comments.get(p.post_id, 0),
                types.get(m) is video,
                len(p.media_ids),
                p.hashtags,
                p.location is not None,
            )
            for p, m in zip(posts, first_media, strict=True)
        ]


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _micros(at: datetime) -> int:
    return (at - _EPOCH) // _MICROSECOND

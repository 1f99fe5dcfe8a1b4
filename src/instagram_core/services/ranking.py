"""The learned feed ranker: gathers the facts the engagement model reads from the stores,
in one batched call per store, and lets the model score them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from instagram_core.domain.events import CommentAdded, FeedPageShown, PostLiked
from instagram_core.domain.media import MediaType
from instagram_core.domain.posts import Post
from instagram_core.domain.ranking import CandidateColumns
from instagram_core.ports.affinity import AffinityStore
from instagram_core.ports.clock import Clock
from instagram_core.ports.comments import CommentStore
from instagram_core.ports.engagement import EngagementStore
from instagram_core.ports.media import MediaStore
from instagram_core.ports.posts import PostStore
from instagram_core.ports.ranking import EngagementModel
from instagram_core.ports.social_graph import SocialGraph
from instagram_core.services.post_rows import PostRows, RowFacts

LIKE_WEIGHT = 1.0
COMMENT_WEIGHT = 2.0  # a comment says more about a relationship than a like


class ModelRanker:
    """:class:`~instagram_core.ports.ranking.Ranker` backed by an engagement model."""

    def __init__(
        self,
        posts: PostStore,
        media: MediaStore,
        engagement: EngagementStore,
        comments: CommentStore,
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
        """The candidates' facts as columns: one batched call per store, then one
        comprehension per fact (no object per candidate: see CandidateColumns)."""
        authors = [p.author_id for p in posts]
        known = (
            self._row_facts(posts)
            if self._rows is None
            else self._rows.facts(posts, self._row_facts)
        )
        likes, comments, is_video = zip(*known, strict=True) if known else ((), (), ())
        followers = self._graph.follower_counts(set(authors))
        hour = 3600.0
        published = [p.published_at or p.created_at for p in posts]
        return CandidateColumns(
            post_ids=[p.post_id for p in posts],
            author_ids=authors,
            age_hours=[(now - at).total_seconds() / hour for at in published],
            likes=likes,
            comments=comments,
            is_video=is_video,
            media_counts=[len(p.media_ids) for p in posts],
            author_followers=[followers.get(a, 0) for a in authors],
            hashtags=[p.hashtags for p in posts],
            has_location=[p.location is not None for p in posts],
        )

    def _row_facts(self, posts: Sequence[Post]) -> list[RowFacts]:
        """Each post's like and comment counts and whether its first media is a video:
        one batched call per store."""
        ids = [p.post_id for p in posts]
        first_media = [p.media_ids[0] for p in posts]
        likes = self._engagement.like_counts(ids)
        comments = self._comments.counts(ids)
        types = self._media.types(first_media)
        video = MediaType.VIDEO
        return [
            (likes.get(i, 0), comments.get(i, 0), types.get(m) is video)
            for i, m in zip(ids, first_media, strict=True)
        ]

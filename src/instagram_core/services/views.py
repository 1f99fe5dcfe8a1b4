"""Read models: posts as a viewer sees them, assembled in batches (one call per port per page,
never one per post)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime

import attrs

from instagram_core.domain.errors import Unavailable
from instagram_core.domain.posts import Location, Post, PostStatus
from instagram_core.domain.users import User
from instagram_core.ports.engagement import EngagementStore
from instagram_core.ports.users import UserStore
from instagram_core.services.comment_counts import CommentCounts
from instagram_core.services.media_views import MediaView, MediaViews, VariantView

__all__ = ["DOWNLOAD_URL_TTL", "MediaView", "PostView", "PostViews", "VariantView"]

log = logging.getLogger("instagram.views")

DOWNLOAD_URL_TTL = 3600


@attrs.frozen
class PostView:
    post_id: int
    author: User
    caption: str
    hashtags: tuple[str, ...]
    mentions: tuple[str, ...]
    tagged_users: tuple[User, ...]
    location: Location | None
    filter_name: str | None
    status: PostStatus
    failure_reason: str | None  # shown to the author only
    created_at: datetime
    like_count: int | None  # None while the engagement store is unavailable
    comment_count: int
    liked_by_viewer: bool
    saved_by_viewer: bool
    media: tuple[MediaView, ...]


class PostViews:
    def __init__(
        self,
        users: UserStore,
        media_views: MediaViews,
        engagement: EngagementStore,
        comments: CommentCounts,
    ) -> None:
        self._users = users
        self._media_views = media_views
        self._engagement = engagement
        self._comments = comments

    def one(self, viewer_id: str, post: Post) -> PostView:
        return self.many(viewer_id, [post])[0]

    def many(self, viewer_id: str, posts: Sequence[Post]) -> list[PostView]:
        """Views in the order of ``posts``; posts whose author vanished are left out."""
        post_ids = [p.post_id for p in posts]
        user_ids = {p.author_id for p in posts} | {u for p in posts for u in p.tagged_user_ids}
        users = self._users.get_many(user_ids)
        media = self._media_views.many(
            (m, viewer_id == p.author_id) for p in posts for m in p.media_ids
        )
        likes, liked, saved = self._engagement_of(viewer_id, post_ids)
        comments = self._comments.counts(post_ids)
        views = []
        for post in posts:
            author = users.get(post.author_id)
            if author is None:
                continue
            is_author = viewer_id == post.author_id
            views.append(
                PostView(
                    post_id=post.post_id,
                    author=author,
                    caption=post.caption,
                    hashtags=post.hashtags,
                    mentions=post.mentions,
                    tagged_users=tuple(users[u] for u in post.tagged_user_ids if u in users),
                    location=post.location,
                    filter_name=post.filter_name,
                    status=post.status,
                    failure_reason=post.failure_reason if is_author else None,
                    created_at=post.created_at,
                    like_count=None if likes is None else likes.get(post.post_id, 0),
                    comment_count=comments.get(post.post_id, 0),
                    liked_by_viewer=post.post_id in liked,
                    saved_by_viewer=post.post_id in saved,
                    media=tuple(
                        media[key]
                        for key in ((m, is_author) for m in post.media_ids)
                        if key in media
                    ),
                )
            )
        return views

    def _engagement_of(
        self, viewer_id: str, post_ids: Sequence[int]
    ) -> tuple[Mapping[int, int] | None, set[int], set[int]]:
        """Counts and the viewer's likes and saves. Engagement is eventually consistent by
        design, so an unavailable store degrades the answer instead of failing the read."""
        try:
            return (
                self._engagement.like_counts(post_ids),
                self._engagement.liked_by(viewer_id, post_ids),
                self._engagement.saved_by(viewer_id, post_ids),
            )
        except Unavailable:
            log.warning("engagement store unavailable: serving posts without like counts")
            return None, set(), set()

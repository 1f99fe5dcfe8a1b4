"""Likes and saves: idempotent, and only on posts the viewer may see."""

from __future__ import annotations

from instagram_core.domain.events import PostLiked, PostSaved, PostUnsaved
from instagram_core.domain.posts import Post
from instagram_core.policies.visibility import AudienceGate
from instagram_core.ports.clock import Clock
from instagram_core.ports.engagement import EngagementStore
from instagram_core.ports.intents import Intents
from instagram_core.ports.posts import PostStore
from instagram_core.ports.users import UserStore
from instagram_core.services.freshness import Freshness, post_key, relations_key
from instagram_core.services.lookups import visible_post


class EngagementService:
    def __init__(
        self,
        posts: PostStore,
        users: UserStore,
        engagement: EngagementStore,
        gate: AudienceGate,
        intents: Intents,
        freshness: Freshness,
        clock: Clock,
    ) -> None:
        self._freshness = freshness
        self._clock = clock  # the like's time, carried to its notification
        self._posts = posts
        self._users = users
        self._engagement = engagement
        self._gate = gate
        self._intents = intents  # likes live outside the bus's transaction (Redis)

    def visible_post(self, viewer_id: str, post_id: int) -> Post:
        """The post if the viewer may see it, ``NotFound`` otherwise."""
        return visible_post(self._posts, self._users, self._gate, viewer_id, post_id)

    def like(self, viewer_id: str, post_id: int) -> int:
        """Like once; a repeated like changes nothing. Returns the like count."""
        post = self.visible_post(viewer_id, post_id)

        def like() -> tuple[bool, int]:
            added, count = self._engagement.like(post_id, viewer_id)
            if added:
                self._freshness.changed([post_key(post_id), relations_key(viewer_id)])
            return added, count

        message = PostLiked(post_id, viewer_id, post.author_id, self._clock.now())
        _, count = self._intents.run(message, like, lambda result: result[0])
        return count

    def unlike(self, viewer_id: str, post_id: int) -> int:
        self.visible_post(viewer_id, post_id)
        removed, count = self._engagement.unlike(post_id, viewer_id)
        if removed:
            self._freshness.changed([post_key(post_id), relations_key(viewer_id)])
        return count

    def save(self, viewer_id: str, post_id: int) -> None:
        """Bookmark once; a new bookmark is announced (``PostSaved``) for Explore's log."""
        post = self.visible_post(viewer_id, post_id)

        def save() -> bool:
            added = self._engagement.save(viewer_id, post_id)
            if added:
                self._freshness.changed([relations_key(viewer_id)])
            return added

        message = PostSaved(post_id, viewer_id, post.author_id, self._clock.now())
        self._intents.run(message, save, bool)

    def unsave(self, viewer_id: str, post_id: int) -> None:
        """Remove the bookmark; a removal is announced (``PostUnsaved``)."""
        post = self.visible_post(viewer_id, post_id)

        def unsave() -> bool:
            removed = self._engagement.unsave(viewer_id, post_id)
            if removed:
                self._freshness.changed([relations_key(viewer_id)])
            return removed

        message = PostUnsaved(post_id, viewer_id, post.author_id, self._clock.now())
        self._intents.run(message, unsave, bool)

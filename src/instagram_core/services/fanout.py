"""Feed maintenance on the write side: push on publish, backfill on follow, prune on unfollow
and delete. Every step is idempotent, so a retried job never duplicates an entry."""

from __future__ import annotations

from instagram_core.domain.events import (
    FanOutPost,
    FollowApproved,
    FollowCreated,
    FollowRemoved,
    PostDeleted,
    PostPublished,
)
from instagram_core.policies.fanout import FanoutPolicy
from instagram_core.ports.events import EventBus
from instagram_core.ports.feed_cache import FEED_CAPACITY, FeedCache
from instagram_core.ports.posts import PostStore
from instagram_core.ports.social_graph import SocialGraph
from instagram_core.services.follower_chunks import follower_chunks


class FanoutService:
    def __init__(
        self,
        feeds: FeedCache,
        graph: SocialGraph,
        posts: PostStore,
        bus: EventBus,
        policy: FanoutPolicy | None = None,
    ) -> None:
        self._feeds = feeds
        self._graph = graph
        self._posts = posts
        self._bus = bus
        self._policy = policy or FanoutPolicy()

    def on_post_published(self, event: PostPublished) -> None:
        """Push to the author's own feed, then to followers in chunks; a celebrity's post is
        not pushed at all: followers pull it when they read."""
        self._feeds.add([event.author_id], event.post_id)
        if not self._policy.is_celebrity(self._graph.count_followers(event.author_id)):
            self._bus.publish(FanOutPost(event.post_id, event.author_id))

    def fan_out_chunk(self, command: FanOutPost) -> None:
        """Push to one chunk of active followers, then queue the next chunk. A post deleted
        or unpublished meanwhile stops the fan-out."""
        post = self._posts.get(command.post_id)
        if post is None or not post.is_published:
            return
        chunk = self._graph.follower_ids_after(
            command.author_id, command.after_follower_id, self._policy.chunk_size
        )
        self._feeds.add(chunk, command.post_id)
        if len(chunk) == self._policy.chunk_size:
            self._bus.publish(FanOutPost(command.post_id, command.author_id, chunk[-1]))

    def on_follow_created(self, event: FollowCreated) -> None:
        if not event.pending:
            self._backfill(event.follower_id, event.followee_id)

    def on_follow_approved(self, event: FollowApproved) -> None:
        self._backfill(event.follower_id, event.followee_id)

    def on_follow_removed(self, event: FollowRemoved) -> None:
        recent = self._posts.by_author(event.followee_id, None, FEED_CAPACITY, published_only=True)
        self._feeds.remove([event.follower_id], [p.post_id for p in recent])

    def on_post_deleted(self, event: PostDeleted) -> None:
        self._feeds.remove([event.author_id], [event.post_id])
        for chunk in follower_chunks(self._graph, event.author_id, self._policy.chunk_size):
            self._feeds.remove(chunk, [event.post_id])

    def _backfill(self, follower_id: str, followee_id: str) -> None:
        """Merge the newly followed account's recent posts, if the follower's feed is cached
        (an absent feed is rebuilt whole on its next read)."""
        if self._feeds.page(follower_id, None, 1) is None:
            return
        recent = self._posts.by_author(
            followee_id, None, self._policy.backfill_posts, published_only=True
        )
        self._feeds.add_many(follower_id, [p.post_id for p in recent])

"""What a post's deletion leaves behind: likes, saves, comments, media records and files."""

from __future__ import annotations

from instagram_core.domain.events import PostDeleted
from instagram_core.ports.blobs import BlobStore
from instagram_core.ports.comments import CommentStore
from instagram_core.ports.engagement import EngagementStore
from instagram_core.ports.media import MediaStore


class CleanupService:
    def __init__(
        self,
        engagement: EngagementStore,
        comments: CommentStore,
        media: MediaStore,
        blobs: BlobStore,
    ) -> None:
        self._engagement = engagement
        self._comments = comments
        self._media = media
        self._blobs = blobs

    def on_post_deleted(self, event: PostDeleted) -> None:
        """Idempotent: every step is a no-op the second time."""
        self._engagement.forget_post(event.post_id)
        self._comments.forget_post(event.post_id)
        for prefix in event.media_prefixes:
            self._blobs.delete_prefix(prefix)
        for media_id in event.media_ids:
            self._media.delete(media_id)

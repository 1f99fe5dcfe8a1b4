"""Phase two of the two-phase publish: process every media of a post, moderate it, and only
then mark it ``published`` and announce it, so followers never see a broken image."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

import attrs

from instagram_core.domain.errors import NotFound, UnprocessableMedia
from instagram_core.domain.events import PostCreated, PostPublished
from instagram_core.domain.media import Media, MediaStatus, MediaType, Variant
from instagram_core.domain.posts import Post, PostStatus
from instagram_core.ports.blobs import BlobStore
from instagram_core.ports.clock import Clock
from instagram_core.ports.events import EventBus
from instagram_core.ports.media import MediaStore
from instagram_core.ports.moderation import Moderator
from instagram_core.ports.posts import PostStore
from instagram_core.ports.processing import MediaProcessor, RenderedVariant, VideoTranscoder
from instagram_core.services.freshness import Freshness, post_key, timeline_key
from instagram_core.services.media import same_format

log = logging.getLogger("instagram.publishing")

RECOVERY_BATCH = 500


class MediaPipeline:
    """Turns one uploaded original into stored variants; shared by posts and stories."""

    def __init__(
        self,
        media: MediaStore,
        blobs: BlobStore,
        processor: MediaProcessor,
        moderator: Moderator,
        transcoder: VideoTranscoder | None = None,
    ) -> None:
        self._media = media
        self._blobs = blobs
        self._processor = processor
        self._moderator = moderator
        self._transcoder = transcoder

    def process(self, media: Media, filter_name: str | None) -> Media:
        """Render and store every variant, then record them. Idempotent: ready media is
        returned as is; a re-run overwrites the same keys. Raises ``UnprocessableMedia`` for
        bytes that can never be processed; transient errors propagate for the bus to retry."""
        if media.status is MediaStatus.READY:
            return media
        try:
            original = self._blobs.get(media.original_key)
        except NotFound as exc:
            raise UnprocessableMedia("the uploaded original is missing") from exc
        if media.type is MediaType.VIDEO:
            ready = self._video(media, original)
        else:
            result = self._processor.process_image(original, filter_name)
            _check_declared_type(media.content_type, result.source_content_type)
            ready = attrs.evolve(
                media,
                status=MediaStatus.READY,
                width=result.width,
                height=result.height,
                variants=self._store_variants(media, result.variants, result.blurhash),
                blurhash=result.blurhash,
                metadata=result.metadata,
            )
        self._media.update(ready)
        return ready

    def _video(self, media: Media, original: bytes) -> Media:
        if self._transcoder is None:
            raise UnprocessableMedia("video processing is not enabled on this server")
        video = self._transcoder.transcode(original)
        _check_declared_type(media.content_type, video.source_content_type)
        return attrs.evolve(
            media,
            status=MediaStatus.READY,
            width=video.width,
            height=video.height,
            variants=self._store_variants(media, video.variants, video.blurhash),
            blurhash=video.blurhash,
            duration_seconds=video.duration_seconds,
        )

    def review(self, media: Media) -> str | None:
        """The moderator's reason to refuse the largest still image (a photo's largest
        variant, a video's poster), or ``None`` when allowed."""
        stills = [v for v in media.variants if v.content_type == "image/jpeg"]
        largest = max(stills, key=lambda v: v.width * v.height, default=None)
        if largest is None:
            return None
        verdict = self._moderator.review_image(self._blobs.get(largest.key))
        return None if verdict.allowed else (verdict.reason or "refused by moderation")

    def fail(self, media: Media, reason: str) -> None:
        self._media.update(attrs.evolve(media, status=MediaStatus.FAILED, failure_reason=reason))

    def _store_variants(
        self, media: Media, rendered_variants: Sequence[RenderedVariant], blurhash: str | None
    ) -> tuple[Variant, ...]:
        variants = []
        for rendered in rendered_variants:
            key = media.key(f"{rendered.name}.{rendered.extension}")
            self._blobs.put(key, rendered.data, rendered.content_type)
            variants.append(
                Variant(rendered.name, key, rendered.width, rendered.height, rendered.content_type)
            )
        if blurhash:
            key = media.key("blurhash.txt")
            self._blobs.put(key, blurhash.encode(), "text/plain")
        return tuple(variants)


def _check_declared_type(declared: str, sniffed: str) -> None:
    if not same_format(declared, sniffed):
        raise UnprocessableMedia(f"the upload was declared {declared} but its bytes are {sniffed}")


class PublishingService:
    def __init__(
        self,
        posts: PostStore,
        media: MediaStore,
        pipeline: MediaPipeline,
        clock: Clock,
        bus: EventBus,
        freshness: Freshness,
    ) -> None:
        self._freshness = freshness
        self._posts = posts
        self._media = media
        self._pipeline = pipeline
        self._clock = clock
        self._bus = bus

    def process_post(self, event: PostCreated) -> None:
        """Handler of ``PostCreated``. A post that is gone, failed or rejected is left
        alone. A published one is announced again: a worker that died between storing the
        status and announcing it leaves exactly this redelivery behind, and every handler of
        ``PostPublished`` is idempotent, so an extra announcement changes nothing."""
        post = self._posts.get(event.post_id)
        if post is not None and post.status is PostStatus.PUBLISHED:
            self._bus.publish(PostPublished(post.post_id, post.author_id))
            return
        if post is None or post.status is not PostStatus.PROCESSING:
            return
        ready = []
        found = self._media.get_many(post.media_ids)
        for media_id in post.media_ids:
            media = found.get(media_id)
            if media is None:
                self._finish(post, PostStatus.FAILED, f"media {media_id} is missing")
                return
            try:
                ready.append(self._pipeline.process(media, post.filter_name))
            except UnprocessableMedia as exc:
                self._pipeline.fail(media, exc.message)
                self._finish(post, PostStatus.FAILED, f"media {media_id}: {exc.message}")
                return
        for media in ready:
            reason = self._pipeline.review(media)
            if reason is not None:
                self._finish(post, PostStatus.REJECTED, reason)
                return
        self._finish(post, PostStatus.PUBLISHED, None)

    def give_up(self, event: PostCreated, error: str) -> None:
        """Dead-letter hook: processing failed on every attempt. The post is marked failed
        with the reason for its owner; the original stays stored for a re-upload."""
        post = self._posts.get(event.post_id)
        if post is not None and post.status is PostStatus.PROCESSING:
            log.error("giving up on post %s: %s", event.post_id, error)
            self._finish(post, PostStatus.FAILED, "processing failed repeatedly; please re-upload")

    def recover_interrupted(self, older_than: timedelta = timedelta(0)) -> int:
        """Re-announce posts left ``processing`` by a stopped process; returns how many.
        A sweep beside running workers passes ``older_than``, so posts being processed
        right now are left to them."""
        cutoff = self._clock.now() - older_than
        candidates = self._posts.by_status(PostStatus.PROCESSING, RECOVERY_BATCH)
        stuck = [p for p in candidates if p.created_at <= cutoff]
        for post in stuck:
            self._bus.publish(PostCreated(post.post_id))
        return len(stuck)

    def _finish(self, post: Post, status: PostStatus, reason: str | None) -> None:
        published_at = self._clock.now() if status is PostStatus.PUBLISHED else None
        try:
            self._posts.update(
                attrs.evolve(post, status=status, failure_reason=reason, published_at=published_at)
            )
        except NotFound:
            return  # deleted while processing: nothing to publish
        self._freshness.changed([post_key(post.post_id), timeline_key(post.author_id)])
        if status is PostStatus.PUBLISHED:
            self._bus.publish(PostPublished(post.post_id, post.author_id))

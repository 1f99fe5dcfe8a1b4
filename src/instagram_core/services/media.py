"""Handing out upload URLs: the client sends bytes straight to the blob store."""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs

from instagram_core.domain.errors import InvalidInput
from instagram_core.domain.media import IMAGE_CONTENT_TYPES, Media, MediaType
from instagram_core.policies.rate_limits import UPLOAD_URLS, enforce
from instagram_core.ports.blobs import BlobStore
from instagram_core.ports.clock import Clock
from instagram_core.ports.ids import IdGenerator
from instagram_core.ports.media import MediaStore
from instagram_core.ports.rate_limit import RateLimiter

DEFAULT_MAX_UPLOAD_BYTES = 30 * 1024 * 1024
UPLOAD_URL_TTL = timedelta(minutes=15)


@attrs.frozen
class UploadTicket:
    media: Media
    upload_url: str
    headers: dict[str, str]
    expires_at: datetime


class MediaService:
    def __init__(
        self,
        media: MediaStore,
        blobs: BlobStore,
        limiter: RateLimiter,
        ids: IdGenerator,
        clock: Clock,
        max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
    ) -> None:
        self._media = media
        self._blobs = blobs
        self._limiter = limiter
        self._ids = ids
        self._clock = clock
        self._max_upload_bytes = max_upload_bytes

    def request_upload(self, owner_id: str, media_type: str, content_type: str) -> UploadTicket:
        """Reserve a media id and sign a URL for one PUT of its original, expiring in 15
        minutes and refusing more than the byte limit."""
        if media_type != MediaType.IMAGE:
            raise InvalidInput(f"media type {media_type!r} is not supported; use 'image'")
        content_type = content_type.strip().lower()
        if content_type not in IMAGE_CONTENT_TYPES:
            allowed = ", ".join(sorted(IMAGE_CONTENT_TYPES))
            raise InvalidInput(
                f"content type {content_type!r} is not supported; use one of {allowed}"
            )
        enforce(self._limiter, UPLOAD_URLS, owner_id)
        media = Media(
            media_id=self._ids.next_id(),
            owner_id=owner_id,
            type=MediaType.IMAGE,
            content_type=content_type,
            created_at=self._clock.now(),
        )
        self._media.add(media)
        upload = self._blobs.presign_upload(
            media.original_key,
            content_type,
            self._max_upload_bytes,
            int(UPLOAD_URL_TTL.total_seconds()),
        )
        return UploadTicket(
            media=media, upload_url=upload.url, headers=upload.headers, expires_at=upload.expires_at
        )

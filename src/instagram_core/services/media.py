"""Handing out upload URLs: the client sends bytes straight to the blob store."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import attrs

from instagram_core.domain.errors import InvalidInput, PayloadTooLarge, UnprocessableMedia
from instagram_core.domain.media import (
    IMAGE_CONTENT_TYPES,
    VIDEO_CONTENT_TYPES,
    Media,
    MediaStatus,
    MediaType,
)
from instagram_core.policies.rate_limits import UPLOAD_URLS, enforce
from instagram_core.ports.blobs import BlobStore
from instagram_core.ports.clock import Clock
from instagram_core.ports.ids import IdGenerator
from instagram_core.ports.media import MediaStore
from instagram_core.ports.multipart import MultipartUploads
from instagram_core.ports.processing import MediaHeader, MediaProcessor, VideoTranscoder
from instagram_core.ports.rate_limit import RateLimiter
from instagram_core.services.resumable_uploads import ResumableUploadCases

DEFAULT_MAX_UPLOAD_BYTES = 30 * 1024 * 1024
UPLOAD_URL_TTL = timedelta(minutes=15)
PURPOSES = ("post", "story")
HEAD_BYTES = 512 * 1024  # enough for any image header, EXIF and ICC segments included
_SAME_FORMAT = {"image/heif": "image/heic", "video/quicktime": "video/mp4"}  # one family each


def same_format(declared: str, sniffed: str) -> bool:
    return _SAME_FORMAT.get(declared, declared) == _SAME_FORMAT.get(sniffed, sniffed)


@attrs.frozen
class UploadTicket:
    media: Media
    upload_url: str
    headers: dict[str, str]
    expires_at: datetime


class MediaService(ResumableUploadCases):
    """Upload URLs, resumable uploads (see :mod:`instagram_core.services.resumable_uploads`)
    and the checks a post or story makes on its media."""

    def __init__(
        self,
        media: MediaStore,
        blobs: BlobStore,
        processor: MediaProcessor,
        limiter: RateLimiter,
        ids: IdGenerator,
        clock: Clock,
        max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
        transcoder: VideoTranscoder | None = None,
        multipart: MultipartUploads | None = None,
    ) -> None:
        self._media = media
        self._multipart = multipart
        self._processor = processor
        self._transcoder = transcoder
        self._blobs = blobs
        self._limiter = limiter
        self._ids = ids
        self._clock = clock
        self._max_upload_bytes = max_upload_bytes

    def request_upload(
        self, owner_id: str, media_type: str, content_type: str, purpose: str = "post"
    ) -> UploadTicket:
        """Reserve a media id and sign a URL for one PUT of its original, expiring in 15
        minutes and refusing more than the byte limit."""
        kind = self._kind(media_type)
        if purpose not in PURPOSES:
            raise InvalidInput(f"purpose must be one of {', '.join(PURPOSES)}")
        content_type = content_type.strip().lower()
        allowed = IMAGE_CONTENT_TYPES if kind is MediaType.IMAGE else VIDEO_CONTENT_TYPES
        if content_type not in allowed:
            names = ", ".join(sorted(allowed))
            raise InvalidInput(
                f"content type {content_type!r} is not supported for {kind}; use one of {names}"
            )
        enforce(self._limiter, UPLOAD_URLS, owner_id)
        media = Media(
            media_id=self._ids.next_id(),
            owner_id=owner_id,
            type=kind,
            content_type=content_type,
            created_at=self._clock.now(),
            for_story=purpose == "story",
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

    def _probe_video(self, media: Media) -> MediaHeader:
        """A video's headers (duration, codec) may sit at its end, so the whole upload is
        read; only its headers are parsed, no frame is decoded."""
        if self._transcoder is None:
            raise InvalidInput("video is not enabled on this server")
        return self._transcoder.probe(self._blobs.get(media.original_key))

    def filters(self) -> tuple[str, ...]:
        """The filter names ``POST /posts`` accepts."""
        return self._processor.filters()

    def _kind(self, media_type: str) -> MediaType:
        kinds = (
            [MediaType.IMAGE, MediaType.VIDEO]
            if self._transcoder is not None
            else [MediaType.IMAGE]
        )
        if media_type not in kinds:
            names = " or ".join(repr(str(k)) for k in kinds)
            raise InvalidInput(f"media type {media_type!r} is not supported; use {names}")
        return MediaType(media_type)

    def require_usable(
        self, owner_id: str, media_ids: Sequence[int], for_story: bool = False
    ) -> None:
        """Check that each media is the owner's, uploaded, unused and plausible: within the
        byte limit and, for images, of the declared format and pixel limit (read from the
        header alone, so a mislabelled file or a decompression bomb is refused at once)."""
        found = self._media.get_many(media_ids)
        for media_id in media_ids:
            media = found.get(media_id)
            if media is None or media.owner_id != owner_id:
                raise InvalidInput(f"unknown media id {media_id}")
            if media.post_id is not None:
                raise InvalidInput(f"media {media_id} is already in use")
            if media.for_story != for_story:
                wanted = "story" if for_story else "post"
                raise InvalidInput(
                    f"media {media_id} was uploaded for another purpose; "
                    f"request its upload URL with purpose={wanted}"
                )
            if media.status is MediaStatus.FAILED:
                raise InvalidInput(f"media {media_id} failed: {media.failure_reason}")
            self._check_upload(media)

    def _check_upload(self, media: Media) -> None:
        info = self._blobs.info(media.original_key)
        if info is None:
            raise InvalidInput(f"media {media.media_id} was never uploaded")
        if info.size > self._max_upload_bytes:
            raise PayloadTooLarge(f"uploads are limited to {self._max_upload_bytes} bytes")
        try:
            if media.type is MediaType.VIDEO:
                header: MediaHeader | None = self._probe_video(media)
            else:
                head = self._blobs.read_head(media.original_key, HEAD_BYTES)
                header = self._processor.inspect(head, complete=len(head) == info.size)
        except UnprocessableMedia as exc:
            raise InvalidInput(f"media {media.media_id}: {exc.message}") from exc
        if header is not None and not same_format(media.content_type, header.content_type):
            raise InvalidInput(
                f"media {media.media_id} was declared {media.content_type} "
                f"but its bytes are {header.content_type}"
            )

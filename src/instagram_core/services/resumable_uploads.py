"""Resumable uploads of large originals, the use cases behind ``/media/{id}/parts``.

A single signed PUT of a 30 MB video over a mobile connection fails often and restarts
from zero. Here the client sends parts of ``PART_SIZE`` (8 MiB), each through its own
signed URL; after a drop it asks which parts are stored and sends only the rest. Unlike a
presigned PUT on S3, the byte limit holds before any object exists: part numbers stop at
the limit, and completion refuses (and aborts) an upload whose parts add up to more.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import timedelta

import attrs

from instagram_core.domain.errors import InvalidInput, PayloadTooLarge
from instagram_core.domain.media import Media, MediaStatus
from instagram_core.ports.blobs import BlobStore, PresignedUpload
from instagram_core.ports.media import MediaStore
from instagram_core.ports.multipart import (
    MAX_PART_NUMBER,
    PART_SIZE,
    MultipartUploads,
    UploadedPart,
)

PART_URL_TTL = timedelta(minutes=15)


@attrs.frozen
class ResumableUpload:
    """A started upload: send parts 1 to ``max_parts``, each ``part_size`` bytes long but
    the last."""

    upload_id: str
    part_size: int
    max_parts: int


class ResumableUploadCases:
    """The resumable-upload use cases of :class:`~instagram_core.services.media.MediaService`
    (a mixin over its stores and byte limit). Each takes the owner's id: anyone else's
    media, or media no longer awaiting its upload, is refused like an unknown id."""

    _media: MediaStore
    _blobs: BlobStore
    _multipart: MultipartUploads | None
    _max_upload_bytes: int

    @property
    def max_parts(self) -> int:
        """How many parts the byte limit allows."""
        return min(MAX_PART_NUMBER, max(1, math.ceil(self._max_upload_bytes / PART_SIZE)))

    def start_multipart(self, owner_id: str, media_id: int) -> ResumableUpload:
        """Begin a resumable upload of the media's original; several may run at once."""
        media = self._awaiting(owner_id, media_id)
        upload_id = self._uploads().start(media.original_key, media.content_type)
        return ResumableUpload(upload_id, PART_SIZE, self.max_parts)

    def part_url(
        self, owner_id: str, media_id: int, upload_id: str, part_number: int
    ) -> PresignedUpload:
        """A URL for one PUT of part ``part_number``, expiring in 15 minutes. Raises
        ``NotFound`` for an unknown or finished upload and ``InvalidInput`` past the parts
        the byte limit allows."""
        key = self._awaiting(owner_id, media_id).original_key
        if not 1 <= part_number <= self.max_parts:
            raise InvalidInput(
                f"part numbers run from 1 to {self.max_parts}: uploads are limited to "
                f"{self._max_upload_bytes} bytes in parts of {PART_SIZE}"
            )
        uploads = self._uploads()
        uploads.parts(key, upload_id)  # an unknown upload is refused now, not at the PUT
        ttl = int(PART_URL_TTL.total_seconds())
        return uploads.part_url(key, upload_id, part_number, ttl)

    def uploaded_parts(
        self, owner_id: str, media_id: int, upload_id: str
    ) -> Sequence[UploadedPart]:
        """The parts stored so far: where an interrupted upload resumes."""
        key = self._awaiting(owner_id, media_id).original_key
        return self._uploads().parts(key, upload_id)

    def complete_multipart(
        self,
        owner_id: str,
        media_id: int,
        upload_id: str,
        etags: Mapping[int, str] | None = None,
    ) -> int:
        """Join the parts into the media's original; returns its size. ``etags`` (part
        number to ETag, as the client saw them) pins the exact bytes; without it the stored
        parts are used. Parts must run from 1 without a gap (``InvalidInput``). Over the
        byte limit the upload is aborted, or the joined object deleted, and
        ``PayloadTooLarge`` raised."""
        media = self._awaiting(owner_id, media_id)
        key, uploads = media.original_key, self._uploads()
        chosen = _choose(uploads.parts(key, upload_id), etags)
        if sum(part.size for part in chosen) > self._max_upload_bytes:
            uploads.abort(key, upload_id)
            raise PayloadTooLarge(f"uploads are limited to {self._max_upload_bytes} bytes")
        uploads.complete(key, upload_id, chosen)
        info = self._blobs.info(key)
        size = info.size if info is not None else sum(part.size for part in chosen)
        if size > self._max_upload_bytes:  # a store that joined more than it listed
            self._blobs.delete_prefix(media.prefix)
            raise PayloadTooLarge(f"uploads are limited to {self._max_upload_bytes} bytes")
        return size

    def abort_multipart(self, owner_id: str, media_id: int, upload_id: str) -> None:
        """Discard an upload and its parts; a no-op when it is unknown or finished."""
        media = self._owned(owner_id, media_id)
        self._uploads().abort(media.original_key, upload_id)

    def _owned(self, owner_id: str, media_id: int) -> Media:
        media = self._media.get(media_id)
        if media is None or media.owner_id != owner_id:
            raise InvalidInput(f"unknown media id {media_id}")
        return media

    def _awaiting(self, owner_id: str, media_id: int) -> Media:
        media = self._owned(owner_id, media_id)
        if media.post_id is not None or media.status is not MediaStatus.AWAITING_UPLOAD:
            raise InvalidInput(f"media {media_id} is no longer awaiting its upload")
        return media

    def _uploads(self) -> MultipartUploads:
        if self._multipart is None:
            raise InvalidInput("resumable uploads are not available on this server")
        return self._multipart


def _choose(stored: Sequence[UploadedPart], etags: Mapping[int, str] | None) -> list[UploadedPart]:
    """The stored parts to join: those ``etags`` names (checked), or all of them; numbered
    1 to n, since a gap would be a hole in the file."""
    chosen = sorted(stored)
    if etags is not None:
        by_number = {part.part_number: part for part in stored}
        chosen = []
        for number, etag in sorted(etags.items()):
            found = by_number.get(number)
            if found is None or found.etag != etag:
                raise InvalidInput(f"part {number} is not stored with ETag {etag}")
            chosen.append(found)
    if not chosen:
        raise InvalidInput("no part has been uploaded")
    for expected, part in enumerate(chosen, start=1):
        if part.part_number != expected:
            raise InvalidInput(f"part {expected} is missing: parts run from 1 without a gap")
    return chosen

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

from instagram_core.domain.errors import Conflict, InvalidInput, PayloadTooLarge
from instagram_core.domain.media import Media, MediaStatus, media_id_of_original
from instagram_core.ports.blobs import BlobStore, PresignedUpload
from instagram_core.ports.media import MediaStore
from instagram_core.ports.multipart import (
    MAX_PART_NUMBER,
    PART_SIZE,
    MultipartUploads,
    UploadedPart,
)

PART_URL_TTL = timedelta(minutes=15)
_USED = (
    "media {media_id} is already uploaded or in use: upload URLs are single-use; "
    "request a new one to upload other bytes"
)


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
    media is refused like an unknown id. An original is uploaded once: media whose
    original is stored, or that a post or story claimed, refuses more (``Conflict``)."""

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
        """The parts stored so far: where an interrupted upload resumes (``NotFound`` once
        it is completed or aborted)."""
        key = self._owned(owner_id, media_id).original_key
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
        try:
            uploads.complete(key, upload_id, chosen)  # refuses if another upload won
        except Conflict:
            uploads.abort(key, upload_id)  # it can never complete now
            raise Conflict(_USED.format(media_id=media_id)) from None
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
        self._require_awaiting(media)
        return media

    def require_upload_target(self, key: str) -> None:
        """Raise ``Conflict`` unless ``key`` is the original of media still awaiting its
        upload. The ``/blobs`` edge asks this before taking the body of a signed PUT or of
        a part, whose signature only proves the URL was issued; the store's create-only
        write then settles a race between two uploads."""
        media_id = media_id_of_original(key)
        media = self._media.get(media_id) if media_id is not None else None
        if media is None or media.original_key != key:
            raise Conflict("no media awaits an upload at this URL: upload URLs are single-use")
        self._require_awaiting(media)

    def _require_awaiting(self, media: Media) -> None:
        claimed = media.post_id is not None or media.status is not MediaStatus.AWAITING_UPLOAD
        if claimed or self._blobs.info(media.original_key) is not None:
            raise Conflict(_USED.format(media_id=media.media_id))

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

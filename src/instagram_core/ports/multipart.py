"""Resumable uploads of large files: the client sends numbered parts, each through its own
signed URL, and the store joins them into one object. A dropped connection costs one part,
not the whole file: :meth:`MultipartUploads.parts` says what is already stored."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import attrs

from instagram_core.ports.blobs import PresignedUpload

MIB = 1024 * 1024
PART_SIZE = 8 * MIB
"""The part size the core hands out: every part but the last is exactly this long."""
MIN_PART_SIZE = 5 * MIB
"""S3's minimum for every part but the last; every adapter enforces it, so the embedded
profile refuses what production would."""
MAX_PART_NUMBER = 10_000
"""Part numbers run from 1 to this (S3's limit)."""


@attrs.frozen(order=True)
class UploadedPart:
    """A stored part. ``etag`` is the store's opaque fingerprint of its bytes (a quoted MD5
    hex digest on every adapter so far): completing with another ETag is refused."""

    part_number: int
    size: int
    etag: str


class MultipartUploads(Protocol):
    """Uploads assembled from parts. Nothing appears at ``key`` until :meth:`complete`."""

    def start(self, key: str, content_type: str) -> str:
        """Begin an upload of the object ``key`` with ``content_type``; returns its upload
        id. Several uploads of one key may run at once: the first completed wins."""
        ...

    def part_url(
        self, key: str, upload_id: str, part_number: int, expires_in: int
    ) -> PresignedUpload:
        """A URL accepting a PUT of part ``part_number`` for ``expires_in`` seconds. Raises
        ``InvalidInput`` unless ``1 <= part_number <= MAX_PART_NUMBER``. Sending a part again
        replaces it (a retry is idempotent). Whether the upload exists is checked when the
        part arrives, not here: S3 signs URLs without asking the server."""
        ...

    def parts(self, key: str, upload_id: str) -> Sequence[UploadedPart]:
        """The parts stored so far, ordered by part number (empty before the first one):
        where an interrupted upload resumes. Raises ``NotFound`` for an upload that is
        unknown, aborted or completed, or that belongs to another key."""
        ...

    def complete(self, key: str, upload_id: str, parts: Sequence[UploadedPart]) -> None:
        """Join ``parts`` (given in any order, joined by part number) into the object ``key``,
        durably and atomically, if no object exists there: an upload's object is written
        once (of concurrent completions exactly one succeeds). The upload is then gone.
        Raises ``InvalidInput`` when ``parts`` is empty, names a part that is not stored or
        has another ETag, or when a part but the last is shorter than ``MIN_PART_SIZE``;
        ``NotFound`` as :meth:`parts` does; ``Conflict`` (the upload kept, for
        :meth:`abort`) when an object exists at ``key``."""
        ...

    def abort(self, key: str, upload_id: str) -> None:
        """Discard the upload and its parts; a no-op for an unknown or finished upload, so a
        retried abort is harmless."""
        ...

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import attrs


@attrs.frozen
class PresignedUpload:
    """Where and until when a client may PUT one object, with the headers it must send."""

    url: str
    expires_at: datetime
    headers: dict[str, str] = attrs.field(factory=dict)


@attrs.frozen
class BlobInfo:
    size: int
    content_type: str


class BlobStore(Protocol):
    """Durable object storage for media files, keyed by the seed's path layout."""

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store ``data`` durably before returning (an acknowledged write is never lost);
        replaces an existing object atomically: readers see the old or the new bytes."""
        ...

    def put_new(self, key: str, data: bytes, content_type: str) -> None:
        """Store ``data`` only if no object exists at ``key``, durably, and raise
        ``Conflict`` (changing nothing) if one does: an upload's original is written once,
        never replaced. Atomic: of concurrent calls for one key exactly one succeeds."""
        ...

    def get(self, key: str) -> bytes:
        """The object's bytes. Raises ``NotFound`` if there is no such key."""
        ...

    def read_head(self, key: str, length: int) -> bytes:
        """The first ``length`` bytes of the object (all of it when shorter): enough to sniff
        a format without fetching the whole upload. Raises ``NotFound`` if there is no such
        key."""
        ...

    def info(self, key: str) -> BlobInfo | None:
        """Size and content type, or ``None`` if there is no such key."""
        ...

    def ping(self) -> None:
        """Raise ``Unavailable`` unless the store can serve now (readiness). A remote store
        asks its server about its bucket, so that a missing bucket does not pass for an
        empty one; a store in this process has nothing to reach."""
        ...

    def delete_prefix(self, prefix: str) -> int:
        """Delete every object whose key starts with ``prefix`` (which must end in ``/``);
        returns how many were deleted, 0 when none."""
        ...

    def presign_upload(
        self, key: str, content_type: str, max_bytes: int, expires_in: int
    ) -> PresignedUpload:
        """A URL that accepts one PUT of at most ``max_bytes`` with ``content_type`` until
        ``expires_in`` seconds from now; a tampered or expired URL is refused, and so is a
        PUT once an object exists at ``key`` (the URL is single-use, like :meth:`put_new`).
        Send the returned ``headers`` with the PUT."""
        ...

    def download_url(self, key: str, expires_in: int) -> str:
        """A URL that serves the object for at least ``expires_in`` seconds, signed so that it
        cannot be altered to reach another key."""
        ...

"""What abandoned uploads leave behind, as the upload sweeper sees it: multipart uploads that
were started and never completed nor aborted, scraps of interrupted writes, and media
records (with their original) that no post or story ever claimed. Without a sweeper all of
it stays forever; :mod:`instagram_core.services.upload_sweeper` finds it through these
ports and removes it once it is older than any upload could still be in progress."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import attrs

from instagram_core.domain.media import Media
from instagram_core.ports.media import MediaStore


@attrs.frozen
class PendingUpload:
    """A multipart upload neither completed nor aborted, and when it was started."""

    key: str
    upload_id: str
    started_at: datetime


class StaleUploads(Protocol):
    """The unfinished side of an upload store (beside its
    :class:`~instagram_core.ports.multipart.MultipartUploads`, whose ``abort`` discards
    what :meth:`pending_uploads` lists)."""

    def pending_uploads(self, started_before: datetime) -> Sequence[PendingUpload]:
        """The multipart uploads started strictly before ``started_before`` that are
        neither completed nor aborted, oldest first; empty when there are none. An upload
        started at or after ``started_before`` is never listed."""
        ...

    def purge_scraps(self, older_than: datetime) -> int:
        """Remove the leftovers of interrupted writes (staged temporary files, a half-created
        upload) last written strictly before ``older_than``; returns how many were removed.
        Never touches a stored object or a listed upload. A store that stages nothing
        returns 0."""
        ...


class UnclaimedMedia(MediaStore, Protocol):
    """A media store that can also list and delete the records no post or story has
    claimed (``post_id`` is ``None``): the uploads a client asked for and never used."""

    def unclaimed(self, created_before: datetime, limit: int) -> Sequence[Media]:
        """At most ``limit`` unclaimed media created strictly before ``created_before``,
        oldest first (ties by id); empty when there are none. Claimed media never appear."""
        ...

    def delete_unclaimed(self, media_id: int) -> bool:
        """Delete the record atomically if it is still unclaimed: ``True`` if it was
        deleted; ``False`` (changing nothing) if it is missing or a post or story claimed
        it, even an instant before. Once it returns ``True`` no claim can succeed."""
        ...

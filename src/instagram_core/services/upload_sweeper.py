"""Removes what abandoned uploads leave behind, on a schedule: multipart uploads never
completed (their parts), scraps of interrupted writes, and media that no post or story
claimed, with their original.

Everything older than ``max_age`` (24 hours by default) is abandoned: an upload URL lives
15 minutes, a part URL as long, and a resumable upload is expected to finish within the age
(a client that resumes later starts a new one). A claimed original is never touched: the
record is deleted only while it is still unclaimed (an atomic compare-and-delete, so a post
that claims it an instant before wins) and only then are its files removed.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import attrs

from instagram_core.domain.errors import Unavailable
from instagram_core.domain.media import Media
from instagram_core.ports.abandoned_uploads import StaleUploads, UnclaimedMedia
from instagram_core.ports.blobs import BlobStore
from instagram_core.ports.clock import Clock
from instagram_core.ports.multipart import MultipartUploads
from instagram_core.services.media import UPLOAD_URL_TTL
from instagram_core.services.resumable_uploads import PART_URL_TTL

log = logging.getLogger("instagram.uploads")

URL_LIFETIME = max(UPLOAD_URL_TTL, PART_URL_TTL)
"""How long an upload may be in progress on one URL: the age of an abandoned one exceeds it."""
DEFAULT_MAX_AGE = timedelta(hours=24)
DEFAULT_INTERVAL = timedelta(hours=1)
MEDIA_BATCH = 500


@attrs.frozen
class SweepReport:
    """What one sweep removed."""

    uploads_aborted: int = 0
    scraps_removed: int = 0
    media_removed: int = 0


class UploadSweeper:
    """``uploads`` and ``multipart`` are ``None`` where no resumable upload store exists."""

    def __init__(
        self,
        clock: Clock,
        media: UnclaimedMedia,
        blobs: BlobStore,
        uploads: StaleUploads | None = None,
        multipart: MultipartUploads | None = None,
        max_age: timedelta = DEFAULT_MAX_AGE,
        interval: timedelta = DEFAULT_INTERVAL,
    ) -> None:
        """Raises ``ValueError`` for an age that an upload still in progress could reach
        (not longer than its URLs live) or an interval that is not positive."""
        if max_age <= URL_LIFETIME:
            raise ValueError(f"the age of an abandoned upload must exceed {URL_LIFETIME}")
        if interval <= timedelta(0):
            raise ValueError("the sweep interval must be positive")
        self._clock = clock
        self._media = media
        self._blobs = blobs
        self._uploads = uploads
        self._multipart = multipart
        self._max_age = max_age
        self._interval = interval
        self._last: datetime | None = None

    def sweep_if_due(self) -> SweepReport | None:
        """Sweep when ``interval`` has passed since the last sweep of this sweeper (or it
        never swept); otherwise ``None``. Cheap to call often: the caller's loop decides
        how often to ask, the clock when to act."""
        now = self._clock.now()
        if self._last is not None and now - self._last < self._interval:
            return None
        self._last = now
        return self.sweep()

    def sweep(self) -> SweepReport:
        """One pass over everything older than ``max_age``. Idempotent; a store that is
        down fails this pass (``Unavailable``) and the next one retries."""
        cutoff = self._clock.now() - self._max_age
        report = SweepReport(
            uploads_aborted=self._abort_uploads(cutoff),
            scraps_removed=self._uploads.purge_scraps(cutoff) if self._uploads else 0,
            media_removed=self._remove_unclaimed(cutoff),
        )
        if report != SweepReport():
            log.info("swept abandoned uploads: %s", report)
        return report

    def _abort_uploads(self, cutoff: datetime) -> int:
        if self._uploads is None or self._multipart is None:
            return 0
        pending = self._uploads.pending_uploads(cutoff)
        for upload in pending:
            self._multipart.abort(upload.key, upload.upload_id)
        return len(pending)

    def _remove_unclaimed(self, cutoff: datetime) -> int:
        removed = 0
        while batch := self._media.unclaimed(cutoff, MEDIA_BATCH):
            for media in batch:
                removed += self._remove(media)
            if len(batch) < MEDIA_BATCH:
                break
        return removed

    def _remove(self, media: Media) -> int:
        """The record first, only while unclaimed; then its files. Should the files fail,
        the record comes back for the next sweep (its original may be gone by then, which
        a later claim reports as "never uploaded")."""
        if not self._media.delete_unclaimed(media.media_id):
            return 0  # claimed meanwhile (or already gone): never touch its files
        try:
            self._blobs.delete_prefix(media.prefix)
        except Unavailable:
            self._media.add(media)
            raise
        return 1

"""The upload sweeper's view of the Cassandra media store (``UnclaimedMedia``): an index of
the media no post or story claimed, by creation day, kept beside the ``media`` table.

The index row is written before the record, so a crash between the two leaves an index row
without a record, never a record without an index row. Listing walks the day partitions
oldest first; a row whose record is missing, claimed or of another time is skipped and
dropped, so a lost index delete costs one extra read at the next sweep, never a wrong
answer. Deleting is a lightweight transaction on the record
conditioned on ``post_id = null``, the same row ``attach`` sets with its own compare-and-set:
of a claim and a delete racing, exactly one applies.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from instagram_adapters.cassandra.session import CassandraSession
from instagram_adapters.rows.codecs import to_micros
from instagram_core.domain.media import Media

SHARD = 0  # the days fit one partition: a few thousand rows in ten years
_INDEX = "INSERT INTO unclaimed_media (day, created_us, media_id) VALUES (?, ?, ?)"
_DAY = "INSERT INTO unclaimed_media_days (shard, day) VALUES (?, ?)"
_UNINDEX = "DELETE FROM unclaimed_media WHERE day = ? AND created_us = ? AND media_id = ?"
_DAYS = "SELECT day FROM unclaimed_media_days WHERE shard = ? AND day <= ?"
_DROP_DAY = "DELETE FROM unclaimed_media_days WHERE shard = ? AND day = ?"
_IN_DAY = (
    "SELECT created_us, media_id FROM unclaimed_media WHERE day = ? AND created_us < ? LIMIT ?"
)
_DELETE_IF_UNCLAIMED = "DELETE FROM media WHERE media_id = ? IF owner_id != null AND post_id = null"


def day_of(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d")


def index_writes(media: Media) -> list[tuple[str, Sequence[object]]]:
    """The index rows of a new record (none for one created already claimed)."""
    if media.post_id is not None:
        return []
    day = day_of(media.created_at)
    return [(_INDEX, (day, to_micros(media.created_at), media.media_id)), (_DAY, (SHARD, day))]


def unindex(session: CassandraSession, media: Media) -> None:
    session.execute(
        _UNINDEX, (day_of(media.created_at), to_micros(media.created_at), media.media_id)
    )


class UnclaimedIndex:
    """The ``unclaimed``/``delete_unclaimed`` half of :class:`CassandraMediaStore`."""

    _db: CassandraSession

    if TYPE_CHECKING:  # the store's own ``get``, which this half reads through

        def get(self, media_id: int) -> Media | None: ...

    def unclaimed(self, created_before: datetime, limit: int) -> Sequence[Media]:
        found: list[Media] = []
        if limit < 1:
            return found
        cutoff = to_micros(created_before)
        last_day = day_of(created_before)
        # Days before yesterday get no new uploads: an empty one can be forgotten safely.
        settled = day_of(datetime.now(UTC) - timedelta(days=1))
        for row in list(self._db.execute(_DAYS, (SHARD, last_day))):
            entries = list(self._db.execute(_IN_DAY, (row.day, cutoff, limit - len(found))))
            for entry in entries:
                media = self.get(entry.media_id)
                if (
                    media is None  # gone since, or its insert never happened
                    or media.post_id is not None  # claimed since
                    or to_micros(media.created_at) != entry.created_us  # not this record's row
                ):
                    self._db.execute(_UNINDEX, (row.day, entry.created_us, entry.media_id))
                    continue
                found.append(media)
            if not entries and row.day < settled and row.day < last_day:
                self._db.execute(_DROP_DAY, (SHARD, row.day))
            if len(found) >= limit:
                break
        return found

    def delete_unclaimed(self, media_id: int) -> bool:
        media = self.get(media_id)
        if media is None or media.post_id is not None:
            return False
        applied, _ = self._db.applied(_DELETE_IF_UNCLAIMED, (media_id,))
        if applied:
            unindex(self._db, media)
        return applied

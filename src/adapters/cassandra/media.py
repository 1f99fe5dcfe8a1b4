"""Media records on Cassandra, one partition per media id.

Every write is a lightweight transaction: ``attach`` is a compare-and-set (two posts racing
for one upload, one wins), and Cassandra advises against mixing LWT and plain writes on the
same row, whose timestamps would then come from two clocks. Variants and EXIF metadata are
JSON text: they are read whole, never queried.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from instagram_adapters.cassandra.session import CassandraSession
from instagram_adapters.cassandra.unclaimed import UnclaimedIndex, index_writes, unindex
from instagram_adapters.rows.media import media_from_values, media_names, media_values
from instagram_core.domain.errors import Conflict, NotFound
from instagram_core.domain.media import Media, MediaType

_NAMES = media_names("created_us")
_FIELDS = ", ".join(_NAMES)
_INSERT = f"INSERT INTO media ({_FIELDS}) VALUES ({', '.join('?' * len(_NAMES))}) IF NOT EXISTS"
_UPDATE = (
    f"UPDATE media SET {', '.join(f'{n} = ?' for n in _NAMES[1:])} WHERE media_id = ? IF EXISTS"
)
_SELECT = f"SELECT {_FIELDS} FROM media WHERE media_id = ?"
_TYPE = "SELECT media_id, type FROM media WHERE media_id = ?"
# owner_id is set on every stored record, so the condition fails on a missing row instead
# of creating one (an UPDATE is an upsert).
_ATTACH = "UPDATE media SET post_id = ? WHERE media_id = ? IF owner_id != null AND post_id = null"
_DELETE = "DELETE FROM media WHERE media_id = ? IF EXISTS"


def _media(row: Any) -> Media:
    return media_from_values(row)


class CassandraMediaStore(UnclaimedIndex):
    """A :class:`~instagram_core.ports.MediaStore` on Cassandra, and the upload sweeper's
    :class:`~instagram_core.ports.abandoned_uploads.UnclaimedMedia` (see
    :mod:`instagram_adapters.cassandra.unclaimed`)."""

    def __init__(self, session: CassandraSession) -> None:
        self._db = session

    def add(self, media: Media) -> None:
        # The index rows first: a crash before the record leaves an index row without a
        # record, which the sweeper drops on its next pass; the other order could leave a
        # record the sweeper never sees. A row left by a refused (conflicting) insert names
        # another record's id with this one's time, and the sweeper skips it (see
        # :meth:`UnclaimedIndex.unclaimed`).
        self._db.batch(index_writes(media))
        applied, _ = self._db.applied(_INSERT, media_values(media))
        if not applied:
            raise Conflict("media id already exists")

    def get(self, media_id: int) -> Media | None:
        row = self._db.execute(_SELECT, (media_id,)).one()
        return None if row is None else _media(row)

    def get_many(self, media_ids: Iterable[int]) -> Mapping[int, Media]:
        wanted = [(media_id,) for media_id in dict.fromkeys(media_ids)]
        return {
            row.media_id: _media(row)
            for rows in self._db.rows_of_many(_SELECT, wanted)
            for row in rows
        }

    def types(self, media_ids: Iterable[int]) -> Mapping[int, MediaType]:
        wanted = [(media_id,) for media_id in dict.fromkeys(media_ids)]
        return {
            row.media_id: MediaType(row.type)
            for rows in self._db.rows_of_many(_TYPE, wanted)
            for row in rows
        }

    def update(self, media: Media) -> None:
        values = media_values(media)
        applied, _ = self._db.applied(_UPDATE, [*values[1:], media.media_id])
        if not applied:
            raise NotFound("media not found")

    def attach(self, media_id: int, post_id: int) -> bool:
        applied, row = self._db.applied(_ATTACH, (post_id, media_id))
        if applied:
            media = self.get(media_id)
            if media is not None:
                unindex(self._db, media)  # if this is lost, the sweeper drops the row
            return True
        # Not applied: the row says why (missing, or claimed; by this post is fine).
        return (
            getattr(row, "owner_id", None) is not None and getattr(row, "post_id", None) == post_id
        )

    def delete(self, media_id: int) -> None:
        self._db.applied(_DELETE, (media_id,))

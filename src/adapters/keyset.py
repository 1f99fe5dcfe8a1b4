"""Engine-neutral helpers every store adapter shares: exact microsecond timestamps and the
opaque keyset cursor of newest-first ``(created_at, id)`` listings. Memory, SQLite and MySQL
adapters encode cursors alike, so a cursor means the same position whatever the engine."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from instagram_core.domain.errors import MalformedCursor

UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MICROSECOND = timedelta(microseconds=1)
# 18 digits reach past year 9999 yet always fit a signed 64-bit integer column.
_CURSOR = re.compile(r"(-?\d{1,18}):(.+)", re.DOTALL)


def to_micros(moment: datetime) -> int:
    """Exact microseconds since the epoch; a naive datetime is a programming error."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetimes must be timezone-aware")
    return (moment - UNIX_EPOCH) // ONE_MICROSECOND


def from_micros(micros: int) -> datetime:
    return UNIX_EPOCH + timedelta(microseconds=micros)


def encode_keyset_cursor(moment: datetime, other_id: str) -> str:
    """An opaque ``<micros>:<id>`` position in a newest-first (created_at, id) listing."""
    return f"{to_micros(moment)}:{other_id}"


def decode_keyset_cursor(cursor: str) -> tuple[int, str]:
    """The (micros, id) a cursor stands for; raises ``InvalidInput`` for anything else."""
    match = _CURSOR.fullmatch(cursor)
    if match is None:
        raise MalformedCursor("malformed cursor: pass back a next_cursor exactly as received")
    return int(match.group(1)), match.group(2)

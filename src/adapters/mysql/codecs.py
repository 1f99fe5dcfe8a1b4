"""Datetimes in MySQL columns, id batches, and the keyset cursor shared with the SQLite
and in-memory adapters.

``DATETIME(6)`` has no time zone, so every stored moment is naive UTC: exact to the
microsecond (as Python's datetimes are), sortable, and independent of the session time
zone. Cursors are the SQLite adapters' ``<micros>:<id>`` strings, so a cursor means the
same position whichever store issued it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from instagram_adapters.keyset import decode_keyset_cursor, from_micros

BATCH_SIZE = 1000  # ids per ``IN %s``: keeps statements far below max_allowed_packet
# What a far-out (never issued, yet well-formed) cursor is clamped to.
_EARLIEST = datetime(1, 1, 1)
_LATEST = datetime(9999, 12, 31, 23, 59, 59, 999999)


def to_utc_naive(moment: datetime) -> datetime:
    """The UTC wall time of an aware datetime; a naive one is a programming error."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetimes must be timezone-aware")
    return moment.astimezone(UTC).replace(tzinfo=None)


def from_utc_naive(stored: datetime) -> datetime:
    return stored.replace(tzinfo=UTC)


def cursor_position(cursor: str) -> tuple[datetime, str]:
    """The (naive UTC created_at, id) a cursor stands for; ``InvalidInput`` if malformed.

    A well-formed cursor beyond the datetime range is clamped to its end, which keeps the
    SQLite adapter's answer: everything for a far future, nothing for a far past."""
    micros, other_id = decode_keyset_cursor(cursor)
    try:
        return to_utc_naive(from_micros(micros)), other_id
    except OverflowError:
        return (_LATEST if micros > 0 else _EARLIEST), other_id


def in_batches(ids: Iterable[str]) -> Iterator[tuple[str, ...]]:
    """Distinct ids in batches, each a tuple pymysql expands into ``('a', 'b', ...)``."""
    distinct = list(dict.fromkeys(ids))
    for start in range(0, len(distinct), BATCH_SIZE):
        yield tuple(distinct[start : start + BATCH_SIZE])

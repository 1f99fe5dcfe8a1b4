"""How SQLite adapters store values SQLite has no type for, and the shared keyset cursor.

Datetimes become integer microseconds since the Unix epoch in UTC: exact (Python datetimes
have microsecond precision), sortable and index-friendly. Nested attrs values (locations,
variants, EXIF metadata) and tuples become JSON through msgspec, which rebuilds the attrs
classes (running their validation) on the way back.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Hashable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import msgspec

from instagram_core.domain.errors import Conflict, InvalidInput

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MICROSECOND = timedelta(microseconds=1)
BATCH_SIZE = 500  # bound parameters per ``IN (...)``, well below SQLite's limit
# 18 digits reach past year 9999 yet always fit a signed 64-bit SQLite INTEGER.
_CURSOR = re.compile(r"(-?\d{1,18}):(.+)", re.DOTALL)


def to_micros(moment: datetime) -> int:
    """Exact microseconds since the epoch; a naive datetime is a programming error."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetimes must be timezone-aware")
    return (moment - UNIX_EPOCH) // ONE_MICROSECOND


def from_micros(micros: int) -> datetime:
    return UNIX_EPOCH + timedelta(microseconds=micros)


def optional_micros(moment: datetime | None) -> int | None:
    return None if moment is None else to_micros(moment)


def optional_datetime(micros: int | None) -> datetime | None:
    return None if micros is None else from_micros(micros)


def to_json(value: Any) -> str:
    return msgspec.json.encode(value).decode()


def from_json(raw: str, kind: type[T]) -> T:
    return msgspec.json.decode(raw, type=kind)


def encode_keyset_cursor(moment: datetime, other_id: str) -> str:
    """An opaque ``<micros>:<id>`` position in a newest-first (created_at, id) listing."""
    return f"{to_micros(moment)}:{other_id}"


def decode_keyset_cursor(cursor: str) -> tuple[int, str]:
    """The (micros, id) a cursor stands for; raises ``InvalidInput`` for anything else."""
    match = _CURSOR.fullmatch(cursor)
    if match is None:
        raise InvalidInput("malformed cursor")
    return int(match.group(1)), match.group(2)


@contextmanager
def conflict_on_integrity_error(message: str) -> Iterator[None]:
    """Turn a violated key or unique constraint into the core's ``Conflict``."""
    try:
        yield
    except sqlite3.IntegrityError as exc:
        raise Conflict(message) from exc


def in_batches(keys: Iterable[K]) -> Iterator[tuple[str, list[K]]]:
    """Distinct keys in batches small enough to bind, each with its ``?, ?`` placeholders."""
    distinct = list(dict.fromkeys(keys))
    for start in range(0, len(distinct), BATCH_SIZE):
        batch = distinct[start : start + BATCH_SIZE]
        yield ", ".join("?" * len(batch)), batch

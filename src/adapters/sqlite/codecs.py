"""How SQLite adapters store values SQLite has no type for, and the shared keyset cursor.

Datetimes become integer microseconds since the Unix epoch in UTC: exact (Python datetimes
have microsecond precision), sortable and index-friendly. Nested attrs values (locations,
variants, EXIF metadata) and tuples become JSON through msgspec, which rebuilds the attrs
classes (running their validation) on the way back.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Hashable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from instagram_adapters.keyset import decode_keyset_cursor, encode_keyset_cursor
from instagram_adapters.rows.codecs import (
    from_json,
    from_micros,
    optional_datetime,
    optional_micros,
    to_json,
    to_micros,
)
from instagram_core.domain.errors import Conflict

__all__ = [
    "decode_keyset_cursor",
    "encode_keyset_cursor",
    "from_json",
    "from_micros",
    "optional_datetime",
    "optional_micros",
    "to_json",
    "to_micros",
]

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

BATCH_SIZE = 500  # bound parameters per ``IN (...)``, well below SQLite's limit


@contextmanager
def conflict_on_integrity_error(message: str) -> Iterator[None]:
    """Turn a violated key or unique constraint into the core's ``Conflict``."""
    try:
        yield
    except sqlite3.IntegrityError as exc:
        raise Conflict(message) from exc


# One JSON array parameter instead of ``IN (?, ?, ...)``: no limit on how many ids are asked.
JSON_IDS = "(SELECT value FROM json_each(?))"


def json_ids(keys: Iterable[K]) -> tuple[list[K], str]:
    """The distinct keys, in order, and the JSON parameter :data:`JSON_IDS` reads them from."""
    distinct = list(dict.fromkeys(keys))
    return distinct, json.dumps(distinct)


def in_batches(keys: Iterable[K]) -> Iterator[tuple[str, list[K]]]:
    """Distinct keys in batches small enough to bind, each with its ``?, ?`` placeholders."""
    distinct = list(dict.fromkeys(keys))
    for start in range(0, len(distinct), BATCH_SIZE):
        batch = distinct[start : start + BATCH_SIZE]
        yield ", ".join("?" * len(batch)), batch

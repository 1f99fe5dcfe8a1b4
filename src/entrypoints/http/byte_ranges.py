"""Conditional and partial GETs of stored files (RFC 9110): what S3 does for its own URLs,
for the files the embedded profile serves itself. Video players seek with ``Range``; caches
revalidate with ``If-None-Match``.

Only a single byte range is honoured; several ranges, another unit or a malformed header
are ignored and the whole file is served, as the RFC allows.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
_CHUNK = 256 * 1024


class RangeNotSatisfiable(Exception):
    """The range starts past the end of the file (or asks for the last 0 bytes): 416."""


def strong_etag(stat: os.stat_result) -> str:
    """An entity tag, without its quotes, that changes whenever the file does: objects are
    replaced by renaming a new file over them, which always gives a new mtime."""
    return f"{stat.st_size:x}-{stat.st_mtime_ns:x}"


def none_match(header: str | None, etag: str) -> bool:
    """Whether ``If-None-Match`` names the quoted ``etag`` (weak comparison, as the RFC
    requires there) or is ``*``: the client's copy is current, answer 304."""
    if header is None:
        return False
    tags = [tag.strip() for tag in header.split(",")]
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


def range_applies(if_range: str | None, etag: str) -> bool:
    """``If-Range`` lets a client resume only if the file is unchanged: a range applies
    without it, or when it names the quoted ``etag`` exactly (strong comparison). A date
    there is not ours to trust, so the whole file is served."""
    return if_range is None or if_range.strip() == etag


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The first and last byte (inclusive) that ``Range`` asks for within ``size`` bytes,
    or ``None`` to serve the whole file. Raises ``RangeNotSatisfiable`` for a range that
    starts at or past the end."""
    match = _RANGE.fullmatch(header.strip()) if header else None
    if match is None:
        return None
    first, last = match.groups()
    if not first:
        if not last:
            return None
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable
        return max(0, size - suffix), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:  # invalid, so ignored
        return None
    if start >= size:
        raise RangeNotSatisfiable
    return start, min(end, size - 1)


def read_span(path: Path, first: int, last: int) -> Iterator[bytes]:
    """Bytes ``first`` to ``last`` of the file, in chunks, opened only once iterated."""
    with path.open("rb") as handle:
        handle.seek(first)
        remaining = last - first + 1
        while remaining > 0:
            chunk = handle.read(min(_CHUNK, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
            yield chunk

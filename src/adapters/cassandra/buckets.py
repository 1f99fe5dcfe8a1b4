"""Bucketed partitions: a wide partition split by time so none outgrows ~100 MB, and the
walk that reads the buckets in order for one page.

A bucket is a range of Snowflake ids (ids sort by creation time), so an id cursor names its
bucket and a page resumes exactly where the last one stopped. Each bucketed table keeps a
small index of its non-empty buckets per owner (``<table>_buckets``), so a walk never reads
an empty bucket range, however sparse the owner's history.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from instagram_core.domain.ids import TIMESTAMP_SHIFT

T = TypeVar("T")

HOUR_OF_IDS = 3_600_000 << TIMESTAMP_SHIFT
"""The ids made within one hour: the default bucket width (see docs/data-model.md)."""

# At most this many buckets are read concurrently in one wave of a walk.
MAX_WAVE = 16


def bucket_of(item_id: int, width: int) -> int:
    """The bucket holding ``item_id``; buckets of ``width`` ids, in id order."""
    return item_id // width


def walk(
    buckets: Iterator[int],
    read_wave: Callable[[Sequence[int]], Sequence[Sequence[T]]],
    limit: int,
) -> list[T]:
    """Up to ``limit`` items from ``buckets`` in their order, each bucket's items as
    ``read_wave`` returns them (already in order and past the cursor).

    Waves grow 1, 2, 4, ... buckets (at most :data:`MAX_WAVE`), read concurrently: a page
    that one bucket fills costs one read, and a page spread thinly over many buckets costs
    a logarithmic number of round-trip waves, never one round trip per bucket in series."""
    found: list[T] = []
    size = 1
    while len(found) < limit:
        wave = [bucket for _, bucket in zip(range(size), buckets, strict=False)]
        if not wave:
            break
        for items in read_wave(wave):
            found.extend(items)
        size = min(size * 2, MAX_WAVE)
    return found[:limit]

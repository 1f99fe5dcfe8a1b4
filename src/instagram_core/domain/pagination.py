"""Keyset pagination: a page of items and the opaque cursor that continues it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Generic, TypeVar

import attrs

from instagram_core.domain.errors import InvalidInput

T = TypeVar("T")
U = TypeVar("U")
K = TypeVar("K")

MAX_PAGE_SIZE = 50
DEFAULT_PAGE_SIZE = 20


@attrs.frozen
class Page(Generic[T]):
    """One page; ``next_cursor`` is ``None`` on the last page."""

    items: Sequence[T]
    next_cursor: str | None

    def map(self, convert: Callable[[T], U]) -> Page[U]:
        return Page(items=[convert(item) for item in self.items], next_cursor=self.next_cursor)


def check_limit(limit: int, maximum: int = MAX_PAGE_SIZE) -> int:
    """Page sizes are 1..``maximum``; anything else is a client error, never clamped."""
    if not 1 <= limit <= maximum:
        raise InvalidInput(f"limit must be between 1 and {maximum}, got {limit}")
    return limit


def page_from_overfetch(items: Sequence[T], limit: int, cursor_of: Callable[[T], str]) -> Page[T]:
    """Build a page from ``limit + 1`` fetched items: the extra one proves a next page exists."""
    if len(items) > limit:
        kept = items[:limit]
        return Page(items=kept, next_cursor=cursor_of(kept[-1]))
    return Page(items=items, next_cursor=None)


@attrs.frozen
class SnapshotWindow(Generic[T]):
    """What one page read from a stored, ordered snapshot of ids: the page, how many ids it
    consumed (the next cursor's offset moves by that much) and whether a visible item is
    left after it."""

    page: list[T]
    consumed: int
    more: bool


def read_snapshot(
    ids: Sequence[K], limit: int, visible: Callable[[Sequence[K]], Mapping[K, T]]
) -> SnapshotWindow[T]:
    """Page through ``ids`` a page-sized window at a time, keeping what ``visible`` returns:
    the page, then only as far as the first visible item after it (which decides whether
    there is more). Items hidden since the snapshot was taken are skipped, never shown."""
    page: list[T] = []
    consumed = 0
    for start in range(0, len(ids), limit):
        window = ids[start : start + limit]
        shown = visible(window)
        for key in window:
            if len(page) < limit:
                consumed += 1
                if key in shown:
                    page.append(shown[key])
            elif key in shown:
                return SnapshotWindow(page, consumed, more=True)
    return SnapshotWindow(page, consumed, more=False)

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Protocol

import attrs


@attrs.frozen
class CachedTray:
    """One viewer's cached tray: who is in it, and which stories the viewer has seen.

    Both map to the instant the entry stops mattering, so a read by the clock drops it then
    with no event: an author leaves when their newest story expires, a seen mark when its
    story does."""

    leaving: Mapping[str, datetime] = attrs.field(factory=dict)
    """Author id → the instant their newest live story expires (they leave the tray)."""
    seen: Mapping[int, datetime] = attrs.field(factory=dict)
    """Id of a story the viewer has viewed → the instant that story expires."""


class StoryTrayCache(Protocol):
    """Per viewer, the accounts with live stories and, for each, the instant its newest
    story expires: when the author leaves the tray (the seed's ``story_tray:{user_id}``
    sorted set, refreshed hourly); and the viewer's seen marks on the live stories, so a
    tray read needs no view-store lookup.

    A cache: an absent tray is recomputed from the graph, the story store and the view
    store."""

    def get(self, viewer_id: str, live_at: datetime | None = None) -> CachedTray | None:
        """The viewer's tray, or ``None`` when none is cached (never built, expired or
        forgotten; seen marks alone are not a tray). A cached tray may be empty. With
        ``live_at``, only the authors and seen marks whose instant is after ``live_at``:
        an author whose stories all expired drops out at that instant."""
        ...

    def put(self, viewer_id: str, tray: CachedTray, ttl_seconds: int, live_at: datetime) -> None:
        """Replace the viewer's tray; it expires ``ttl_seconds`` from now (by the adapter's
        clock). Seen marks already held (by :meth:`mark_seen`) whose instant is after
        ``live_at`` are kept as well: views never un-happen, and a view recorded while the
        tray was being rebuilt is not lost. An empty tray is cached too."""
        ...

    def touch(self, viewer_ids: Iterable[str], author_id: str, at: datetime) -> None:
        """Record that ``author_id`` is in the tray until ``at`` in each *cached* tray among
        ``viewer_ids`` (absent trays stay absent); never moves an entry back in time and
        keeps each tray's expiry."""
        ...

    def mark_seen(self, viewer_id: str, story_id: int, until: datetime, ttl_seconds: int) -> None:
        """Record that the viewer has seen ``story_id`` (live until ``until``). A cached
        tray keeps its expiry. Without a cached tray the mark is held alone for
        ``ttl_seconds`` (still no tray for :meth:`get`), for the next :meth:`put` to keep.
        Marking again changes nothing."""
        ...

    def forget(self, viewer_ids: Iterable[str]) -> None:
        """Drop the trays of ``viewer_ids`` (absent ones are ignored). Their seen marks stay
        until the key would have expired, like marks without a tray: views never un-happen,
        so a view redelivered after the forget finds its mark and changes nothing."""
        ...

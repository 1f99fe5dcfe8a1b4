from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Protocol


class StoryTrayCache(Protocol):
    """Per viewer, the accounts with live stories and, for each, the instant its newest
    story expires: when the author leaves the tray (the seed's ``story_tray:{user_id}``
    sorted set, refreshed hourly).

    A cache: an absent tray is recomputed from the graph and the story store."""

    def get(self, viewer_id: str, live_at: datetime | None = None) -> Mapping[str, datetime] | None:
        """Author id → the instant they leave the tray, or ``None`` when the viewer has no
        tray cached (never built or expired). A cached tray may be empty. With ``live_at``,
        only the authors still in the tray then (their instant after ``live_at``): an author
        whose stories all expired drops out at that instant, with no event to wait for."""
        ...

    def put(self, viewer_id: str, latest: Mapping[str, datetime], ttl_seconds: int) -> None:
        """Replace the viewer's tray; it expires ``ttl_seconds`` from now (by the adapter's
        clock). An empty mapping caches an empty tray."""
        ...

    def touch(self, viewer_ids: Iterable[str], author_id: str, at: datetime) -> None:
        """Record that ``author_id`` is in the tray until ``at`` in each *cached* tray among
        ``viewer_ids`` (absent trays stay absent); never moves an entry back in time and
        keeps each tray's expiry."""
        ...

    def forget(self, viewer_ids: Iterable[str]) -> None:
        """Drop the trays of ``viewer_ids``; absent ones are ignored."""
        ...

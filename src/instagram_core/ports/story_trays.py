from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Protocol


class StoryTrayCache(Protocol):
    """Per viewer, the accounts with live stories and the time of each one's latest story
    (the seed's ``story_tray:{user_id}`` sorted set, refreshed hourly).

    A cache: an absent tray is recomputed from the graph and the story store."""

    def get(self, viewer_id: str) -> Mapping[str, datetime] | None:
        """Author id → latest story time, or ``None`` when the viewer has no tray cached
        (never built or expired). A cached tray may be empty."""
        ...

    def put(self, viewer_id: str, latest: Mapping[str, datetime], ttl_seconds: int) -> None:
        """Replace the viewer's tray; it expires ``ttl_seconds`` from now (by the adapter's
        clock). An empty mapping caches an empty tray."""
        ...

    def touch(self, viewer_ids: Iterable[str], author_id: str, at: datetime) -> None:
        """Record that ``author_id`` posted a story at ``at`` in each *cached* tray among
        ``viewer_ids`` (absent trays stay absent); never moves an entry back in time and
        keeps each tray's expiry."""
        ...

    def forget(self, viewer_ids: Iterable[str]) -> None:
        """Drop the trays of ``viewer_ids``; absent ones are ignored."""
        ...

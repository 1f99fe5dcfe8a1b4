"""Explore's stores: the engagement log it learns from, what the offline build derived from
that log (item-item neighbours, trending posts), and what each viewer was already shown.

The log is append-only and bounded by time (``LOG_RETENTION``); the build reads a window of
it, so nothing here needs a scan of the whole history."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol

import attrs

LOG_RETENTION = timedelta(days=30)  # what the build learns from; older entries may go
SEEN_RETENTION = timedelta(days=7)  # "seen in Explore recently"


@attrs.frozen
class Engagement:
    """One act of a user on a post (a like or a comment), weighted by how much it says."""

    user_id: str
    post_id: int
    author_id: str
    weight: float
    at: datetime
    hashtags: tuple[str, ...] = ()


Neighbours = Sequence[tuple[int, float]]
"""Similar posts with their similarity (0..1], most similar first."""


class ExploreStore(Protocol):
    def record(self, engagement: Engagement, event_id: str) -> bool:
        """Append to the log; ``False`` (and no change) when ``event_id`` was recorded
        within ``LOG_RETENTION``: the bus delivers at least once."""
        ...

    def window(self, since: datetime) -> Sequence[Engagement]:
        """Every logged engagement at or after ``since``, oldest first."""
        ...

    def recent_by(self, user_ids: Collection[str], limit: int) -> Sequence[Engagement]:
        """The newest ``limit`` engagements of any of ``user_ids``, newest first."""
        ...

    def forget_post(self, post_id: int) -> None:
        """A deleted post: drop its log entries, its neighbour list, its place among
        others' neighbours and in trending. A no-op for an unknown post."""
        ...

    def put_neighbours(self, neighbours: Mapping[int, Neighbours]) -> None:
        """Replace the neighbour list of each given post (an empty list removes it)."""
        ...

    def neighbours(self, post_ids: Iterable[int], per_post: int) -> Mapping[int, Neighbours]:
        """Up to ``per_post`` neighbours of each given post that has any, most similar
        first (ties: higher post id first)."""
        ...

    def put_trending(self, ranked: Neighbours) -> None:
        """Replace the trending list with ``(post_id, score)`` pairs."""
        ...

    def trending(self, limit: int) -> Neighbours:
        """Up to ``limit`` trending posts, highest score first (ties: higher id first)."""
        ...

    def mark_seen(self, viewer_id: str, post_ids: Iterable[int], at: datetime) -> None:
        """Remember that Explore showed these posts to the viewer at ``at``."""
        ...

    def seen_since(self, viewer_id: str, since: datetime) -> set[int]:
        """The posts Explore showed the viewer at or after ``since``."""
        ...

    def last_build(self) -> datetime | None:
        """When the last build started (``None`` before the first)."""
        ...

    def set_last_build(self, at: datetime) -> None: ...


class ItemSimilarity(Protocol):
    """The offline computation: which posts are engaged with by the same people."""

    def neighbours(
        self, log: Sequence[Engagement], items: Collection[int], k: int
    ) -> Mapping[int, Neighbours]:
        """For each post of ``items``, its ``k`` most similar other posts by cosine
        similarity of their engagement vectors (one weight per user: the sum of that
        user's engagements with the post), most similar first, ties by higher post id.
        Posts with no co-engaged post get an empty list; a post absent from ``log``, too."""
        ...

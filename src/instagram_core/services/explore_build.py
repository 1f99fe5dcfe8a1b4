"""``instagram explore-build``: the offline half of Explore. It reads the engagement log's
window, recomputes the neighbour lists of the posts engaged with since the last build (all
of them on the first build or when asked) and the trending list, and stores both."""

from __future__ import annotations

from datetime import timedelta

import attrs

from instagram_core.policies.explore import trending_posts
from instagram_core.ports.clock import Clock
from instagram_core.ports.explore import LOG_RETENTION, ExploreStore, ItemSimilarity

NEIGHBOURS_PER_POST = 50
TRENDING_KEPT = 500
# Engagements logged just before the previous build started may have been written after it
# read the log: they are read again.
OVERLAP = timedelta(minutes=1)


@attrs.frozen
class BuildReport:
    engagements: int  # in the window read
    updated: int  # posts whose neighbour list was recomputed
    trending: int
    full: bool


class ExploreBuilder:
    def __init__(
        self,
        store: ExploreStore,
        similarity: ItemSimilarity,
        clock: Clock,
        interval: timedelta,
        window: timedelta = LOG_RETENTION,
    ) -> None:
        self._store = store
        self._similarity = similarity
        self._clock = clock
        self._interval = interval
        self._window = window

    def build(self, full: bool = False) -> BuildReport:
        """Recompute what changed since the last build (everything when ``full`` or on the
        first build). A post whose neighbours were not engaged with keeps its list until
        it is engaged with again or a full build runs."""
        now = self._clock.now()
        last = self._store.last_build()
        log = self._store.window(now - self._window)
        full = full or last is None
        if full:
            touched = {e.post_id for e in log}
        else:
            assert last is not None
            touched = {e.post_id for e in log if e.at >= last - OVERLAP}
        neighbours = self._similarity.neighbours(log, touched, NEIGHBOURS_PER_POST)
        self._store.put_neighbours(neighbours)
        trending = trending_posts(log, now, TRENDING_KEPT)
        self._store.put_trending(trending)
        self._store.set_last_build(now)
        return BuildReport(len(log), len(touched), len(trending), full)

    def build_if_due(self) -> BuildReport | None:
        """Build when the interval has passed since the last one (by the clock port), so
        several processes asking on a timer build about once per interval."""
        last = self._store.last_build()
        if last is not None and self._clock.now() - last < self._interval:
            return None
        return self.build()

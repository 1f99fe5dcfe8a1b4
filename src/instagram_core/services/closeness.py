"""How close a viewer is to an account, for ordering story trays.

One decayed sum per (viewer, author), kept in the affinity store the feed ranker also reads:
likes (1) and comments (2) are recorded there by the ranker; story views and profile visits
are recorded here. Every contribution decays by ``exp(-days / 14)`` (``docs/stories.md``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from instagram_core.domain.events import ProfileVisited, StoryViewed
from instagram_core.ports.affinity import AffinityStore
from instagram_core.ports.clock import Clock

STORY_VIEW_WEIGHT = 0.5  # watching is cheaper than liking
PROFILE_VISIT_WEIGHT = 1.5  # looking someone up is a deliberate act


class Closeness:
    def __init__(self, affinity: AffinityStore, clock: Clock) -> None:
        self._affinity = affinity
        self._clock = clock

    def on_story_viewed(self, event: StoryViewed) -> None:
        # A story counts once per viewer however often it is watched, so the pair is the id.
        event_id = f"story-view:{event.viewer_id}:{event.story_id}"
        self._record(event.viewer_id, event.author_id, STORY_VIEW_WEIGHT, event_id)

    def on_profile_visited(self, event: ProfileVisited) -> None:
        # Each visit counts; its id makes a redelivered one count once. An old message
        # without an id counts as it always did.
        event_id = f"profile-visit:{event.visit_id}" if event.visit_id else None
        self._record(event.viewer_id, event.user_id, PROFILE_VISIT_WEIGHT, event_id)

    def scores(self, viewer_id: str, author_ids: Iterable[str]) -> Mapping[str, float]:
        """The viewer's closeness to each author, decayed to now (0 when unknown)."""
        authors = list(author_ids)
        if not authors:
            return {}
        history = self._affinity.history(viewer_id, authors, (), (), self._clock.now())
        return {a: history.author_affinity.get(a, 0.0) for a in authors}

    def _record(self, viewer_id: str, author_id: str, weight: float, event_id: str | None) -> None:
        if viewer_id != author_id:
            now = self._clock.now()
            self._affinity.record(viewer_id, author_id, (), weight, now, event_id)

"""Closeness counts each story view and each profile visit once, however often delivered."""

from __future__ import annotations

from datetime import UTC, datetime

from instagram_adapters.memory.affinity import InMemoryAffinityStore
from instagram_adapters.memory.clock import ManualClock
from instagram_core.domain.events import ProfileVisited, StoryViewed
from instagram_core.services.closeness import (
    PROFILE_VISIT_WEIGHT,
    STORY_VIEW_WEIGHT,
    Closeness,
)


def closeness() -> Closeness:
    return Closeness(InMemoryAffinityStore(), ManualClock(datetime(2026, 1, 1, tzinfo=UTC)))


def test_a_redelivered_story_view_counts_once() -> None:
    scores = closeness()
    scores.on_story_viewed(StoryViewed(7, "viewer", "author"))
    scores.on_story_viewed(StoryViewed(7, "viewer", "author"))
    assert scores.scores("viewer", ["author"]) == {"author": STORY_VIEW_WEIGHT}
    scores.on_story_viewed(StoryViewed(8, "viewer", "author"))  # another story adds
    assert scores.scores("viewer", ["author"]) == {"author": 2 * STORY_VIEW_WEIGHT}


def test_a_redelivered_visit_counts_once_and_each_new_visit_counts() -> None:
    scores = closeness()
    scores.on_profile_visited(ProfileVisited("viewer", "author", "1"))
    scores.on_profile_visited(ProfileVisited("viewer", "author", "1"))
    assert scores.scores("viewer", ["author"]) == {"author": PROFILE_VISIT_WEIGHT}
    scores.on_profile_visited(ProfileVisited("viewer", "author", "2"))
    assert scores.scores("viewer", ["author"]) == {"author": 2 * PROFILE_VISIT_WEIGHT}


def test_a_visit_written_before_visit_ids_still_counts() -> None:
    scores = closeness()
    scores.on_profile_visited(ProfileVisited("viewer", "author"))
    scores.on_profile_visited(ProfileVisited("viewer", "author"))
    assert scores.scores("viewer", ["author"]) == {"author": 2 * PROFILE_VISIT_WEIGHT}

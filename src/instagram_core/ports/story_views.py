from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from instagram_core.domain.stories import StoryViewer


class StoryViewStore(Protocol):
    """Who viewed which story. Kept after the story expires: its owner still reads the
    viewers of archived stories."""

    def record(self, story_id: int, viewer: StoryViewer) -> bool:
        """Remember the view; ``False`` (and nothing changes) if this viewer already viewed
        the story, so the first ``viewed_at`` stays."""
        ...

    def viewers(
        self, story_id: int, after: StoryViewer | None, limit: int
    ) -> Sequence[StoryViewer]:
        """Up to ``limit`` viewers, newest view first (ties by viewer id, descending),
        strictly after ``after`` in that order."""
        ...

    def counts(self, story_ids: Iterable[int]) -> Mapping[int, int]:
        """How many distinct viewers each story has (0 for none)."""
        ...

    def seen(self, viewer_id: str, story_ids: Iterable[int]) -> set[int]:
        """Which of ``story_ids`` the viewer has viewed."""
        ...

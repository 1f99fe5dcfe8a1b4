from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from instagram_core.domain.stories import Story


class StoryStore(Protocol):
    """Stories with a time to live: an expired story is gone from every read."""

    def add(self, story: Story) -> None:
        """Store a story that expires at ``story.expires_at``. Raises ``Conflict`` if the id
        exists."""
        ...

    def get(self, story_id: int, now: datetime) -> Story | None:
        """The story, or ``None`` if it never existed or ``now >= story.expires_at``."""
        ...

    def update(self, story: Story) -> None:
        """Replace a story (its status). Raises ``NotFound`` if it is gone."""
        ...

    def live_by_authors(
        self, author_ids: Iterable[str], now: datetime
    ) -> Mapping[str, Sequence[Story]]:
        """Unexpired stories per author, newest (highest story id) first; authors without any
        are left out."""
        ...

    def archived(self, author_id: str, before: int | None, limit: int) -> Sequence[Story]:
        """The owner's archive: up to ``limit`` of the author's stories with ids below
        ``before``, newest first, expired ones included (expiry hides a story from viewers,
        not from its owner)."""
        ...

    def archived_many(self, author_id: str, story_ids: Iterable[int]) -> Mapping[int, Story]:
        """The author's stories among ``story_ids``, expired ones included; ids that are not
        the author's are left out."""
        ...

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol


class StoryPollStore(Protocol):
    """Votes on story polls: one per voter per story, never changed."""

    def vote(self, story_id: int, voter_id: str, option: int) -> bool:
        """Record the vote; ``False`` (and nothing changes) if the voter already voted."""
        ...

    def vote_of(self, story_id: int, voter_id: str) -> int | None:
        """The option the voter chose, or ``None``."""
        ...

    def counts(self, story_id: int) -> Mapping[int, int]:
        """Votes per option index; options nobody chose may be left out."""
        ...

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from instagram_core.domain.stories import Highlight


class HighlightStore(Protocol):
    """Highlights, kept for good (no time to live)."""

    def add(self, highlight: Highlight) -> None:
        """Store a highlight. Raises ``Conflict`` if its id exists."""
        ...

    def by_owner(self, owner_id: str) -> Sequence[Highlight]:
        """The owner's highlights, newest (highest id) first."""
        ...

"""Highlights in process memory."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from instagram_core.domain.errors import Conflict
from instagram_core.domain.stories import Highlight


class InMemoryHighlightStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_id: dict[int, Highlight] = {}

    def add(self, highlight: Highlight) -> None:
        with self._lock:
            if highlight.highlight_id in self._by_id:
                raise Conflict(f"highlight {highlight.highlight_id} exists")
            self._by_id[highlight.highlight_id] = highlight

    def by_owner(self, owner_id: str) -> Sequence[Highlight]:
        with self._lock:
            mine = [h for h in self._by_id.values() if h.owner_id == owner_id]
        return sorted(mine, key=lambda h: h.highlight_id, reverse=True)

"""Story views in process memory."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence

from instagram_core.domain.stories import StoryViewer


def _order(viewer: StoryViewer) -> tuple[object, str]:
    return (viewer.viewed_at, viewer.viewer_id)


class InMemoryStoryViewStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._views: dict[int, dict[str, StoryViewer]] = {}

    def record(self, story_id: int, viewer: StoryViewer) -> bool:
        with self._lock:
            views = self._views.setdefault(story_id, {})
            if viewer.viewer_id in views:
                return False
            views[viewer.viewer_id] = viewer
            return True

    def viewers(
        self, story_id: int, after: StoryViewer | None, limit: int
    ) -> Sequence[StoryViewer]:
        with self._lock:
            found = sorted(self._views.get(story_id, {}).values(), key=_order, reverse=True)
        if after is not None:
            found = [v for v in found if _order(v) < _order(after)]
        return found[: max(0, limit)]

    def counts(self, story_ids: Iterable[int]) -> Mapping[int, int]:
        with self._lock:
            return {i: len(self._views.get(i, {})) for i in story_ids}

    def seen(self, viewer_id: str, story_ids: Iterable[int]) -> set[int]:
        with self._lock:
            return {i for i in story_ids if viewer_id in self._views.get(i, {})}

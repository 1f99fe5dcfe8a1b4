"""Stories held in process memory with a time to live.

Reads hide a story from the ``now`` they are given; ``add`` also drops every story the clock
says has expired (cheaply, from a heap ordered by expiry), so memory does not grow forever and
an expired story is gone for good, as it is once a Cassandra TTL fires.
"""

from __future__ import annotations

import heapq
import threading
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from instagram_core.domain.errors import Conflict, NotFound
from instagram_core.domain.stories import Story
from instagram_core.ports.clock import Clock


class InMemoryStoryStore:
    """The :class:`~instagram_core.ports.StoryStore` of tests and the embedded profile.

    ``clock`` decides when expired stories are purged and when one is too old to update."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.RLock()
        self._stories: dict[int, Story] = {}
        self._by_author: dict[str, set[int]] = {}
        self._archive: dict[str, dict[int, Story]] = {}  # never purged
        # (expires_at, story_id); entries made stale by ``update`` are skipped when popped.
        self._expiries: list[tuple[datetime, int]] = []

    def add(self, story: Story) -> None:
        with self._lock:
            self._purge(self._clock.now())
            if story.story_id in self._stories:
                raise Conflict(f"story {story.story_id} exists")
            self._put(story)
            self._archive.setdefault(story.author_id, {})[story.story_id] = story

    def get(self, story_id: int, now: datetime) -> Story | None:
        with self._lock:
            story = self._stories.get(story_id)
            return story if story is not None and now < story.expires_at else None

    def update(self, story: Story) -> None:
        with self._lock:
            old = self._stories.get(story.story_id)
            if old is None or old.expires_at <= self._clock.now():
                raise NotFound(f"story {story.story_id} is gone")
            self._remove(old)
            self._put(story)
            self._archive.setdefault(story.author_id, {})[story.story_id] = story

    def live_by_authors(
        self, author_ids: Iterable[str], now: datetime
    ) -> Mapping[str, Sequence[Story]]:
        with self._lock:
            live: dict[str, Sequence[Story]] = {}
            for author_id in dict.fromkeys(author_ids):
                ids = sorted(self._by_author.get(author_id, ()), reverse=True)
                stories = [s for i in ids if now < (s := self._stories[i]).expires_at]
                if stories:
                    live[author_id] = stories
            return live

    def archived(self, author_id: str, before: int | None, limit: int) -> Sequence[Story]:
        with self._lock:
            stories = self._archive.get(author_id, {})
            ids = sorted((i for i in stories if before is None or i < before), reverse=True)
            return [stories[i] for i in ids[: max(0, limit)]]

    def archived_many(self, author_id: str, story_ids: Iterable[int]) -> Mapping[int, Story]:
        with self._lock:
            stories = self._archive.get(author_id, {})
            return {i: stories[i] for i in story_ids if i in stories}

    def _put(self, story: Story) -> None:
        self._stories[story.story_id] = story
        self._by_author.setdefault(story.author_id, set()).add(story.story_id)
        heapq.heappush(self._expiries, (story.expires_at, story.story_id))

    def _remove(self, story: Story) -> None:
        del self._stories[story.story_id]
        ids = self._by_author[story.author_id]
        ids.discard(story.story_id)
        if not ids:
            del self._by_author[story.author_id]

    def _purge(self, now: datetime) -> None:
        while self._expiries and self._expiries[0][0] <= now:
            expires_at, story_id = heapq.heappop(self._expiries)
            story = self._stories.get(story_id)
            if story is not None and story.expires_at == expires_at:
                self._remove(story)

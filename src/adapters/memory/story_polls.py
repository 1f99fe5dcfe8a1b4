"""Story poll votes in process memory."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Mapping


class InMemoryStoryPollStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._votes: dict[int, dict[str, int]] = {}

    def vote(self, story_id: int, voter_id: str, option: int) -> bool:
        with self._lock:
            votes = self._votes.setdefault(story_id, {})
            if voter_id in votes:
                return False
            votes[voter_id] = option
            return True

    def vote_of(self, story_id: int, voter_id: str) -> int | None:
        with self._lock:
            return self._votes.get(story_id, {}).get(voter_id)

    def counts(self, story_id: int) -> Mapping[int, int]:
        with self._lock:
            return dict(Counter(self._votes.get(story_id, {}).values()))

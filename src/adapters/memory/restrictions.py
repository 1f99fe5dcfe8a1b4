"""Blocks and mutes in memory. Blocks are kept by the :class:`InMemorySocialGraph` they are
built with, under its lock, so that a block and the follows it ends change together."""

from __future__ import annotations

import threading

from instagram_adapters.memory.social_graph import InMemorySocialGraph
from instagram_core.domain.social import BlockOutcome


class InMemoryRestrictions:
    def __init__(self, graph: InMemorySocialGraph) -> None:
        self._graph = graph
        self._mutes: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def block(self, blocker_id: str, blocked_id: str) -> BlockOutcome:
        return self._graph.record_block(blocker_id, blocked_id)

    def unblock(self, blocker_id: str, blocked_id: str) -> bool:
        return self._graph.lift_block(blocker_id, blocked_id)

    def blocked_between(self, user_a: str, user_b: str) -> bool:
        return self._graph.blocked_between(user_a, user_b)

    def blocked_ids(self, user_id: str) -> set[str]:
        return self._graph.blocked_ids(user_id)

    def mute(self, muter_id: str, muted_id: str) -> bool:
        with self._lock:
            if (muter_id, muted_id) in self._mutes:
                return False
            self._mutes.add((muter_id, muted_id))
            return True

    def unmute(self, muter_id: str, muted_id: str) -> bool:
        with self._lock:
            if (muter_id, muted_id) not in self._mutes:
                return False
            self._mutes.remove((muter_id, muted_id))
            return True

    def muted_ids(self, muter_id: str) -> set[str]:
        with self._lock:
            return {b for a, b in self._mutes if a == muter_id}

"""Blocks and mutes in memory."""

from __future__ import annotations

import threading


class InMemoryRestrictions:
    def __init__(self) -> None:
        self._blocks: set[tuple[str, str]] = set()
        self._mutes: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def block(self, blocker_id: str, blocked_id: str) -> bool:
        return self._add(self._blocks, (blocker_id, blocked_id))

    def unblock(self, blocker_id: str, blocked_id: str) -> bool:
        return self._discard(self._blocks, (blocker_id, blocked_id))

    def blocked_between(self, user_a: str, user_b: str) -> bool:
        with self._lock:
            return (user_a, user_b) in self._blocks or (user_b, user_a) in self._blocks

    def blocked_ids(self, user_id: str) -> set[str]:
        with self._lock:
            return {b for a, b in self._blocks if a == user_id} | {
                a for a, b in self._blocks if b == user_id
            }

    def mute(self, muter_id: str, muted_id: str) -> bool:
        return self._add(self._mutes, (muter_id, muted_id))

    def unmute(self, muter_id: str, muted_id: str) -> bool:
        return self._discard(self._mutes, (muter_id, muted_id))

    def muted_ids(self, muter_id: str) -> set[str]:
        with self._lock:
            return {b for a, b in self._mutes if a == muter_id}

    def _add(self, pairs: set[tuple[str, str]], pair: tuple[str, str]) -> bool:
        with self._lock:
            if pair in pairs:
                return False
            pairs.add(pair)
            return True

    def _discard(self, pairs: set[tuple[str, str]], pair: tuple[str, str]) -> bool:
        with self._lock:
            if pair not in pairs:
                return False
            pairs.remove(pair)
            return True

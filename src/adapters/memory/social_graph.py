"""The follow graph in process memory, indexed like the SQL tables so pages are keyset reads.

Each index is a list kept sorted with :mod:`bisect`; counts are the lengths of the active
indexes, so they cannot drift from the edges. The blocks live here too, under the same lock,
so a follow and a block are ordered one after the other; :class:`InMemoryRestrictions`
exposes them through the Restrictions port.
"""

from __future__ import annotations

import bisect
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence

import attrs

from instagram_adapters.keyset import decode_keyset_cursor, encode_keyset_cursor, to_micros
from instagram_adapters.memory.sorted_lists import discard_sorted
from instagram_core.domain.errors import InvalidInput, NotFound
from instagram_core.domain.pagination import Page, page_from_overfetch
from instagram_core.domain.social import BlockOutcome, Follow, FollowStatus

_Key = tuple[int, str]  # (created_at micros, the other user's id)


def _newest_first(index: list[_Key], cursor: str | None, limit: int) -> list[_Key]:
    """Up to ``limit + 1`` keys strictly older than the cursor, newest first."""
    if limit < 1:
        raise InvalidInput("limit must be positive")
    end = len(index) if cursor is None else bisect.bisect_left(index, decode_keyset_cursor(cursor))
    return index[max(0, end - limit - 1) : end][::-1]


class InMemorySocialGraph:
    """A :class:`~instagram_core.ports.SocialGraph` with sorted indexes under one lock."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._edges: dict[tuple[str, str], Follow] = {}
        self._incoming: defaultdict[tuple[str, FollowStatus], list[_Key]] = defaultdict(list)
        self._outgoing_active: defaultdict[str, list[_Key]] = defaultdict(list)
        self._active_follower_ids: defaultdict[str, list[str]] = defaultdict(list)
        self._followed: defaultdict[str, set[str]] = defaultdict(set)  # active, as a set
        # Accounts by the bit length of their active follower count: the few with many
        # followers are found without walking anyone's follows (popular_followees).
        self._by_magnitude: defaultdict[int, set[str]] = defaultdict(set)
        self._blocks: set[tuple[str, str]] = set()  # (blocker, blocked)

    def get(self, follower_id: str, followee_id: str) -> Follow | None:
        with self._lock:
            return self._edges.get((follower_id, followee_id))

    def put(self, follow: Follow) -> Follow | None:
        pair = (follow.follower_id, follow.followee_id)
        with self._lock:
            if self._blocked_between(*pair):
                raise NotFound("no follow is possible across a block")
            before = self._edges.get(pair)
            if before is not None:
                if before.status == follow.status:
                    return before
                self._unindex(before)
                follow = attrs.evolve(follow, created_at=before.created_at)
            self._index(follow)  # first, as it rejects a naive created_at before any change
            self._edges[pair] = follow
            return before

    def activate(self, follower_id: str, followee_id: str) -> Follow | None:
        with self._lock:
            before = self._edges.get((follower_id, followee_id))
            if before is None or before.is_active:
                return None
            self.put(attrs.evolve(before, status=FollowStatus.ACTIVE))
            return self._edges[(follower_id, followee_id)]

    def remove(self, follower_id: str, followee_id: str) -> Follow | None:
        with self._lock:
            edge = self._edges.pop((follower_id, followee_id), None)
            if edge is not None:
                self._unindex(edge)
            return edge

    def remove_pending(self, follower_id: str, followee_id: str) -> Follow | None:
        with self._lock:
            edge = self._edges.get((follower_id, followee_id))
            if edge is None or edge.status is not FollowStatus.PENDING:
                return None
            return self.remove(follower_id, followee_id)

    def record_block(self, blocker_id: str, blocked_id: str) -> BlockOutcome:
        """The Restrictions port's ``block``: the block and the edges it ends, at once."""
        with self._lock:
            recorded = (blocker_id, blocked_id) not in self._blocks
            self._blocks.add((blocker_id, blocked_id))
            ended = (self.remove(blocker_id, blocked_id), self.remove(blocked_id, blocker_id))
            return BlockOutcome(recorded, tuple(edge for edge in ended if edge is not None))

    def lift_block(self, blocker_id: str, blocked_id: str) -> bool:
        with self._lock:
            if (blocker_id, blocked_id) not in self._blocks:
                return False
            self._blocks.remove((blocker_id, blocked_id))
            return True

    def blocked_between(self, user_a: str, user_b: str) -> bool:
        with self._lock:
            return self._blocked_between(user_a, user_b)

    def blocked_ids(self, user_id: str) -> set[str]:
        with self._lock:
            return {b for a, b in self._blocks if a == user_id} | {
                a for a, b in self._blocks if b == user_id
            }

    def followers(
        self, user_id: str, status: FollowStatus, cursor: str | None, limit: int
    ) -> Page[Follow]:
        with self._lock:
            keys = _newest_first(self._incoming.get((user_id, status), []), cursor, limit)
            edges = [self._edges[(follower_id, user_id)] for _, follower_id in keys]
        return page_from_overfetch(
            edges, limit, lambda f: encode_keyset_cursor(f.created_at, f.follower_id)
        )

    def following(self, user_id: str, cursor: str | None, limit: int) -> Page[Follow]:
        with self._lock:
            keys = _newest_first(self._outgoing_active.get(user_id, []), cursor, limit)
            edges = [self._edges[(user_id, followee_id)] for _, followee_id in keys]
        return page_from_overfetch(
            edges, limit, lambda f: encode_keyset_cursor(f.created_at, f.followee_id)
        )

    def follower_ids_after(self, user_id: str, after: str | None, limit: int) -> Sequence[str]:
        if limit < 1:
            return []
        with self._lock:
            ids = self._active_follower_ids.get(user_id, [])
            start = 0 if after is None else bisect.bisect_right(ids, after)
            return ids[start : start + limit]

    def following_ids(self, user_id: str) -> Sequence[str]:
        with self._lock:
            return [followee_id for _, followee_id in self._outgoing_active.get(user_id, [])]

    def followed_among(self, user_id: str, candidates: Iterable[str]) -> set[str]:
        with self._lock:
            followed = self._followed.get(user_id)
            return followed.intersection(candidates) if followed else set()

    def count_followers(self, user_id: str) -> int:
        with self._lock:
            return len(self._active_follower_ids.get(user_id, []))

    def follower_counts(self, user_ids: Iterable[str]) -> dict[str, int]:
        with self._lock:
            return {u: len(self._active_follower_ids.get(u, [])) for u in user_ids}

    def popular_followees(self, user_id: str, more_than: int) -> list[str]:
        with self._lock:
            followed = self._followed.get(user_id, set())
            floor = max(0, more_than + 1).bit_length()  # counts above more_than start here
            popular = [self._by_magnitude[size] for size in self._by_magnitude if size >= floor]
            if sum(map(len, popular)) < len(followed):  # the fewer to walk: the popular
                candidates: Iterable[str] = (u for group in popular for u in group)
                return [u for u in candidates if u in followed and self._count(u) > more_than]
            return [u for u in followed if self._count(u) > more_than]

    def mutual_counts(self, viewer_id: str, user_ids: Iterable[str]) -> dict[str, int]:
        with self._lock:
            followed = {followee for _, followee in self._outgoing_active.get(viewer_id, [])}
            return {
                u: len(followed.intersection(self._active_follower_ids.get(u, [])))
                for u in user_ids
            }

    def count_following(self, user_id: str) -> int:
        with self._lock:
            return len(self._outgoing_active.get(user_id, []))

    def _blocked_between(self, user_a: str, user_b: str) -> bool:
        return (user_a, user_b) in self._blocks or (user_b, user_a) in self._blocks

    def _index(self, edge: Follow) -> None:
        micros = to_micros(edge.created_at)
        bisect.insort(self._incoming[(edge.followee_id, edge.status)], (micros, edge.follower_id))
        if edge.is_active:
            bisect.insort(self._outgoing_active[edge.follower_id], (micros, edge.followee_id))
            self._move(edge.followee_id, +1)
            bisect.insort(self._active_follower_ids[edge.followee_id], edge.follower_id)
            self._followed[edge.follower_id].add(edge.followee_id)

    def _unindex(self, edge: Follow) -> None:
        micros = to_micros(edge.created_at)
        discard_sorted(self._incoming[(edge.followee_id, edge.status)], (micros, edge.follower_id))
        if edge.is_active:
            discard_sorted(self._outgoing_active[edge.follower_id], (micros, edge.followee_id))
            ids = self._active_follower_ids[edge.followee_id]
            self._move(edge.followee_id, -1)
            del ids[bisect.bisect_left(ids, edge.follower_id)]
            self._followed[edge.follower_id].discard(edge.followee_id)

    def _count(self, user_id: str) -> int:
        return len(self._active_follower_ids.get(user_id, ()))

    def _move(self, user_id: str, change: int) -> None:
        """Re-file ``user_id`` in :attr:`_by_magnitude` before its count changes."""
        before = self._count(user_id)
        old, new = before.bit_length(), (before + change).bit_length()
        if old != new:
            self._by_magnitude[old].discard(user_id)
            self._by_magnitude[new].add(user_id)

"""Accounts as authentication reads them, kept briefly: every request of a signed-in client
names the same user, and reading it each time costs more than the rest of a cached answer."""

from __future__ import annotations

import threading

from instagram_core.domain.users import User
from instagram_core.ports.clock import Clock
from instagram_core.ports.users import UserStore
from instagram_core.services.freshness import Freshness, ReadStamp, profile_key

KEEP_SECONDS = 60.0
MAX_USERS = 10_000


class KnownUsers:
    """A user read by id, reused while its profile version is unchanged (every profile edit
    marks it) and for at most ``keep_seconds``, which bounds what versions do not see (a row
    changed behind the service's back). Oldest first out past ``max_users``."""

    def __init__(
        self,
        users: UserStore,
        freshness: Freshness,
        clock: Clock,
        keep_seconds: float = KEEP_SECONDS,
        max_users: int = MAX_USERS,
    ) -> None:
        self._users = users
        self._freshness = freshness
        self._clock = clock
        self._keep_seconds = keep_seconds
        self._max = max_users
        self._known: dict[str, tuple[User, ReadStamp, float]] = {}
        self._lock = threading.Lock()

    def get(self, user_id: str) -> User | None:
        now = self._clock.now().timestamp()
        known = self._known.get(user_id)
        if known is not None:
            user, stamp, until = known
            if now < until and self._freshness.is_current(stamp):
                return user
        reads = self._freshness.recorder()
        reads.note([profile_key(user_id)])
        found = self._users.get(user_id)
        noted = reads.stamp()
        if found is not None and noted is not None:
            with self._lock:
                if len(self._known) >= self._max and user_id not in self._known:
                    del self._known[next(iter(self._known))]
                self._known[user_id] = (found, noted, now + self._keep_seconds)
        return found

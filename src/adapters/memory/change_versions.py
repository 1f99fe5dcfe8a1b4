"""Change versions in process memory: a counter per bump, forgotten after the retention."""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence

from instagram_core.ports.change_versions import CHANGE_RETENTION_SECONDS
from instagram_core.ports.clock import Clock


class InMemoryChangeVersions:
    """Versions from one process-wide counter, so a key never gets an earlier version back.

    Keys are kept in the order of their last bump, so forgetting the ones older than the
    retention is a walk from the front, done on each bump: memory follows the write rate,
    not the number of keys ever touched. Reads take no lock (one dict lookup per key is
    atomic), and a concurrent bump is seen either before or after, never half-done."""

    def __init__(self, clock: Clock, retention_seconds: float = CHANGE_RETENTION_SECONDS) -> None:
        if retention_seconds <= 0:
            raise ValueError("retention_seconds must be positive")
        self.retention_seconds = retention_seconds
        self._clock = clock
        self._versions: dict[str, int] = {}
        self._bumped_at: OrderedDict[str, float] = OrderedDict()  # oldest bump first
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    def bump(self, keys: Iterable[str]) -> None:
        now = self._clock.now().timestamp()
        with self._lock:
            versions, bumped_at = self._versions, self._bumped_at
            for key in keys:
                versions[key] = next(self._counter)
                bumped_at[key] = now
                bumped_at.move_to_end(key)
            self._forget_before(now - self.retention_seconds)

    def read(self, keys: Sequence[str]) -> tuple[int, ...]:
        return tuple(map(self._versions.get, keys, itertools.repeat(0)))

    def _forget_before(self, cutoff: float) -> None:
        bumped_at = self._bumped_at
        while bumped_at:
            key, moment = next(iter(bumped_at.items()))
            if moment >= cutoff:
                return
            del bumped_at[key]
            del self._versions[key]

"""Snowflake ids made in process: time-ordered, unique per worker id."""

from __future__ import annotations

import threading
import uuid

from instagram_adapters.keyset import to_micros
from instagram_core.domain.ids import MAX_SEQUENCE, MAX_WORKER_ID, compose_id
from instagram_core.ports.clock import Clock


class SnowflakeIdGenerator:
    """Ids of :mod:`instagram_core.domain.ids` layout, strictly increasing per instance.

    Uniqueness across processes rests on each process having its own ``worker_id``
    (0 to :data:`~instagram_core.domain.ids.MAX_WORKER_ID`). When the 4096 ids of one
    millisecond are used up, or the clock reads earlier than the last id's time, the
    generator borrows the next millisecond instead of waiting, so ids run slightly ahead
    of the clock under bursts and never repeat. A clock before the id epoch raises
    ``ValueError``.
    """

    def __init__(self, clock: Clock, worker_id: int) -> None:
        if not 0 <= worker_id <= MAX_WORKER_ID:
            raise ValueError(f"worker_id must be within 0..{MAX_WORKER_ID}, not {worker_id}")
        self._clock = clock
        self._worker_id = worker_id
        self._lock = threading.Lock()
        self._last_ms = -1
        self._sequence = 0

    def next_id(self) -> int:
        now_ms = to_micros(self._clock.now()) // 1000
        with self._lock:
            if now_ms > self._last_ms:
                self._last_ms = now_ms
                self._sequence = 0
            elif self._sequence < MAX_SEQUENCE:
                self._sequence += 1
            else:
                self._last_ms += 1
                self._sequence = 0
            return compose_id(self._last_ms, self._worker_id, self._sequence)

    def new_user_id(self) -> str:
        return str(uuid.uuid4())

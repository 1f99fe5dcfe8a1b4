"""Intents held in this process: the in-memory stand-in for the outbox's held rows.

Durable only as long as the process lives, like every memory adapter; it lets a test (or a
library user's experiment) see the held-then-released life of a message, and recover one
a failing write left held, without a database."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TypeVar

from instagram_core.domain.events import Message
from instagram_core.ports.clock import Clock
from instagram_core.ports.events import EventBus
from instagram_core.ports.intents import HeldIntent

T = TypeVar("T")


class InMemoryIntents:
    """:class:`~instagram_core.ports.intents.Intents` with the held messages in a dict,
    aged by ``clock``; released messages go to ``bus``."""

    def __init__(self, bus: EventBus, clock: Clock) -> None:
        self._bus = bus
        self._clock = clock
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._held: dict[int, tuple[Message, datetime]] = {}

    def run(self, message: Message, write: Callable[[], T], keep: Callable[[T], bool]) -> T:
        intent_id = next(self._ids)
        with self._lock:
            self._held[intent_id] = (message, self._clock.now())
        result = write()  # raising leaves it held for the sweep
        with self._lock:
            self._held.pop(intent_id, None)
        if keep(result):
            self._bus.publish(message)
        return result

    def held(self, older_than: timedelta, limit: int) -> Sequence[HeldIntent]:
        cutoff = self._clock.now() - older_than
        with self._lock:
            found = [(i, m) for i, (m, at) in sorted(self._held.items()) if at <= cutoff]
        return [HeldIntent(i, m) for i, m in found[:limit]]

    def settle(self, intent: HeldIntent, happened: bool) -> None:
        with self._lock:
            was_held = self._held.pop(intent.intent_id, None) is not None
        if was_held and happened:
            self._bus.publish(intent.message)

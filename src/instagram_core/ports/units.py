from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from instagram_core.domain.events import Message

T = TypeVar("T")

Emit = Callable[[Message], None]


class UnitOfWork(Protocol):
    """Writes and the messages that announce them, kept together.

    A service changing state that others react to (a follow, an account) does it inside
    :meth:`run`, emitting the message through the ``emit`` it is given instead of
    publishing it. The unit then guarantees the message is published if, and only if, the
    writes stay: on a transactional store both commit in one transaction (an outbox), on
    the others the messages are published once ``work`` has returned. Nothing is
    published when ``work`` raises."""

    def run(self, work: Callable[[Emit], T]) -> T:
        """Run ``work`` and return its result. ``work`` may be run again from the start
        when its transaction collided with another (so it must only write through the
        stores and ``emit``); each run's messages are emitted afresh."""
        ...

from __future__ import annotations

from typing import Protocol

from instagram_core.domain.events import Message


class EventBus(Protocol):
    def publish(self, message: Message) -> None:
        """Hand ``message`` to its handlers. Returns once the message is accepted (queued
        durably where the bus is durable); handlers run later, are retried on failure and
        dead-lettered after their last attempt, never dropped silently."""
        ...

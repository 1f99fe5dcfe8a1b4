from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from instagram_core.domain.events import Message

Handler = Callable[[Any], None]
HandlerMap = Mapping[type[Message], Sequence[Handler]]
DeadLetterHook = Callable[[Message, str], None]


class EventBus(Protocol):
    def publish(self, message: Message) -> None:
        """Hand ``message`` to its handlers. Returns once the message is accepted (queued
        durably where the bus is durable); handlers run later, are retried on failure and
        dead-lettered after their last attempt, never dropped silently."""
        ...


@runtime_checkable
class LocalEventBus(EventBus, Protocol):
    """A bus that runs the handlers in this process, built before them:
    :func:`~instagram_core.bootstrap.bootstrap` binds it to the use cases it built."""

    def bind(self, handlers: HandlerMap, on_dead_letter: DeadLetterHook) -> None:
        """Dispatch every later message to ``handlers``; ``on_dead_letter`` is called with a
        message and the error once its handler failed on every attempt. Binding again
        replaces both. A message published before the first binding is refused with
        ``RuntimeError``: it would have no handler."""
        ...

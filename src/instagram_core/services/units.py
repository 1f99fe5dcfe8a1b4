"""The unit of work where the stores have no shared transaction: publish after the work.

:func:`~instagram_core.bootstrap.bootstrap` uses it when :attr:`Ports.unit` is left out."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from instagram_core.domain.events import Message
from instagram_core.ports.events import EventBus
from instagram_core.ports.units import Emit

T = TypeVar("T")


class PublishAfterWork:
    """A :class:`~instagram_core.ports.UnitOfWork` for stores without a transaction to
    join (memory, SQLite with the in-process bus, or MySQL with one): the messages ``work`` emits
    are published once it has returned, in order, so no handler sees a message before the
    write it announces; nothing is published when ``work`` raises. A crash between the
    write and the publish loses the message: buses that must not lose it use an outbox
    (:class:`~instagram_adapters.mysql.unit_of_work.MySqlUnitOfWork`)."""

    def __init__(self, bus: EventBus) -> None:
        self._bus = bus

    def run(self, work: Callable[[Emit], T]) -> T:
        emitted: list[Message] = []
        result = work(emitted.append)
        for message in emitted:
            self._bus.publish(message)
        return result

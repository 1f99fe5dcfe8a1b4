"""The unit of work on MySQL: the writes and the outbox rows of their messages, one commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from instagram_adapters.mysql.errors import Contention
from instagram_adapters.mysql.pool import MySqlPool
from instagram_core.ports.events import EventBus
from instagram_core.ports.units import Emit

T = TypeVar("T")


class MySqlUnitOfWork:
    """A :class:`~instagram_core.ports.UnitOfWork` in one MySQL transaction.

    ``outbox_bus`` must write through ``pool`` (the Kafka outbox bus does), so what ``work``
    emits is published into the open transaction: the message commits with the rows it
    announces, or neither does. A deadlock (:class:`Contention`) reruns the whole ``work``
    up to ``attempts`` times, as InnoDB has already rolled its transaction back.
    ``on_commit`` runs after each commit (the relay is woken there)."""

    def __init__(
        self,
        pool: MySqlPool,
        outbox_bus: EventBus,
        on_commit: Callable[[], None] | None = None,
        attempts: int = 3,
    ) -> None:
        self._pool = pool
        self._bus = outbox_bus
        self._on_commit = on_commit
        self._attempts = attempts

    def run(self, work: Callable[[Emit], T]) -> T:
        attempt = 1
        while True:
            try:
                with self._pool.unit():
                    result = work(self._bus.publish)
            except Contention:
                if attempt >= self._attempts:
                    raise
                attempt += 1
                continue
            if self._on_commit is not None:
                self._on_commit()
            return result

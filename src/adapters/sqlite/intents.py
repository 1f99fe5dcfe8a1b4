"""Intents on the embedded profile: the write and its bus jobs commit in one SQLite
transaction, as in :class:`~instagram_adapters.sqlite.unit_of_work.SqliteUnitOfWork`, so
nothing is ever left held for the recovery sweep."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TypeVar

from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_core.domain.events import Message
from instagram_core.ports.events import EventBus
from instagram_core.ports.intents import HeldIntent

T = TypeVar("T")


class SqliteIntents:
    """:class:`~instagram_core.ports.intents.Intents` in one SQLite transaction.

    ``durable_bus`` must write through ``database`` (the durable
    :class:`~instagram_adapters.sqlite.event_bus.SqliteEventBus` does). A write that raises
    rolls back with its jobs: neither is kept, so there is nothing to settle."""

    def __init__(self, database: SqliteDatabase, durable_bus: EventBus) -> None:
        self._database = database
        self._bus = durable_bus

    def run(self, message: Message, write: Callable[[], T], keep: Callable[[T], bool]) -> T:
        with self._database.transaction():
            result = write()
            if keep(result):
                self._bus.publish(message)
            return result

    def held(self, older_than: timedelta, limit: int) -> Sequence[HeldIntent]:
        return ()

    def settle(self, intent: HeldIntent, happened: bool) -> None:
        if happened:
            self._bus.publish(intent.message)

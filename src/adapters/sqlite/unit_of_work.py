"""The unit of work on the embedded profile: the writes and the bus jobs, one SQLite commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_core.ports.events import EventBus
from instagram_core.ports.units import Emit

T = TypeVar("T")


class SqliteUnitOfWork:
    """A :class:`~instagram_core.ports.UnitOfWork` in one SQLite transaction.

    ``durable_bus`` must write through ``database`` (the durable
    :class:`~instagram_adapters.sqlite.event_bus.SqliteEventBus` does): the stores' writes and
    the jobs of the messages ``work`` emits join one transaction (SQLite transactions nest
    into the outermost), so a kill -9 keeps both or neither."""

    def __init__(self, database: SqliteDatabase, durable_bus: EventBus) -> None:
        self._database = database
        self._bus = durable_bus

    def run(self, work: Callable[[Emit], T]) -> T:
        with self._database.transaction():
            return work(self._bus.publish)

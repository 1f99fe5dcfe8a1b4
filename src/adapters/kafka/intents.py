"""Intents in the MySQL outbox: the message of a Cassandra or Redis write is an outbox row
written *held* before the write and released after it (``instagram_core.ports.intents``).

The relay sends only released rows, so a message never announces a write that did not
happen; a kill between the write and the release leaves the row held, and the recovery
sweep settles it by looking in the store. Costs one extra MySQL statement per write (the
release) against writing the row after: that row was lost by a crash in between.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TypeVar

from instagram_adapters.kafka.envelope import decode, encode, open_message, wrap
from instagram_adapters.kafka.topics import Topology
from instagram_adapters.mysql.outbox import MySqlOutbox, OutboxRecord
from instagram_core.domain.events import Message
from instagram_core.ports.intents import HeldIntent

T = TypeVar("T")


class OutboxIntents:
    """:class:`~instagram_core.ports.intents.Intents` over :class:`MySqlOutbox`; ``wake``
    nudges the local relay after a release. A message type with no topic has no consumer:
    its write runs alone, as :class:`~instagram_adapters.kafka.outbox.OutboxEventBus`
    drops such messages."""

    def __init__(
        self, outbox: MySqlOutbox, topology: Topology, wake: Callable[[], None] = lambda: None
    ) -> None:
        self._outbox = outbox
        self._topology = topology
        self._wake = wake

    def run(self, message: Message, write: Callable[[], T], keep: Callable[[T], bool]) -> T:
        record = self._record(message)
        if record is None:
            return write()
        row_id = self._outbox.hold(record)  # Unavailable here: nothing written yet
        result = write()  # raising leaves the row held: the sweep looks in the store
        if keep(result):
            self._outbox.release(row_id, again=record)
            self._wake()
        else:
            self._outbox.withdraw(row_id)
        return result

    def held(self, older_than: timedelta, limit: int) -> Sequence[HeldIntent]:
        found = self._outbox.held_records(older_than.total_seconds(), limit)
        return [HeldIntent(row_id, open_message(decode(r.payload))) for row_id, r in found]

    def settle(self, intent: HeldIntent, happened: bool) -> None:
        if happened:
            if self._outbox.release(intent.intent_id):
                self._wake()
        else:
            self._outbox.withdraw(intent.intent_id)

    def _record(self, message: Message) -> OutboxRecord | None:
        route = self._topology.route(type(message))
        if route is None:
            return None
        return OutboxRecord(
            self._topology.topic(route.family),
            self._topology.key(message),
            encode(wrap(message)),
        )

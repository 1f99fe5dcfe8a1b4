"""Announcing a write to a store that shares no transaction with the bus (Cassandra, Redis).

An outbox row written *after* such a write is lost by a crash in between; one written
*before* it may announce a write that never happened. :class:`Intents` keeps both right: the
message is recorded first as an *intent* the bus does not deliver yet, the write runs, and
the intent is then released (or withdrawn when the write turned out to change nothing). A
crash in between leaves the intent held; the recovery sweep
(:class:`~instagram_core.services.intents.IntentSweep`) finds it, asks the store whether the
write took place, and settles it. Where the store and the bus do share a transaction (the
embedded SQLite file), both simply commit together and nothing is ever left held.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Protocol, TypeVar

import attrs

from instagram_core.domain.events import Message

T = TypeVar("T")


@attrs.frozen
class HeldIntent:
    """A message recorded before its write and never released: its process stopped."""

    intent_id: int
    message: Message


class Intents(Protocol):
    def run(self, message: Message, write: Callable[[], T], keep: Callable[[T], bool]) -> T:
        """Run ``write`` and publish ``message`` if ``keep(result)``; return the result.

        Durable implementations record the message before ``write`` runs, so no crash loses
        it. When ``write`` raises, nothing is published now; an implementation that cannot
        tell whether the write landed (it left the intent held) leaves the decision to the
        sweep. ``Unavailable`` when the intent cannot be recorded: then nothing was written."""
        ...

    def held(self, older_than: timedelta, limit: int) -> Sequence[HeldIntent]:
        """Intents held for longer than ``older_than``, oldest first (none where a write and
        its message commit together). ``older_than`` must exceed the longest write, so a
        write still in flight is not judged."""
        ...

    def settle(self, intent: HeldIntent, happened: bool) -> None:
        """Publish the held message if its write ``happened``, else drop it. Settling an
        intent already settled (by another sweep, or by its own process late) is harmless:
        at worst the message is delivered twice, which every handler tolerates."""
        ...

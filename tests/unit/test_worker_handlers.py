"""The worker kinds split the handler map: every handler runs in exactly one kind."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from instagram_core.services.handlers import WORKER_KINDS, message_handlers, worker_handlers
from instagram_entrypoints.containers import memory_container


def test_every_handler_belongs_to_exactly_one_worker_kind() -> None:
    container = memory_container(datetime(2026, 1, 1, tzinfo=UTC))
    workers = container.core.workers()
    split = worker_handlers(workers)
    assert tuple(split) == WORKER_KINDS
    whole = message_handlers(workers)
    for kind, handlers in whole.items():
        found = Counter(h for per_kind in split.values() for h in per_kind.get(kind, ()))
        assert found == Counter(handlers), kind
    assert {k for per_kind in split.values() for k in per_kind} == set(whole)

"""A crash at any point of a Cassandra media insert never leaves an upload the upload sweeper
cannot see: the unclaimed index row is written before the record."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import attrs
import pytest

from instagram_adapters.cassandra.media import CassandraMediaStore
from instagram_adapters.cassandra.session import CassandraSession
from instagram_core.domain.errors import Conflict
from instagram_core.testing.media import T0, make_media
from tests.cassandra_support import fresh_session


class Crash(Exception):
    """The process dying between two statements."""


class CrashingSession:
    """Forwards to a real session and dies on the ``crash_at``-th statement the store issues."""

    def __init__(self, session: CassandraSession, crash_at: int) -> None:
        self._session = session
        self._left = crash_at
        self.keyspace = session.keyspace

    def _tick(self) -> None:
        self._left -= 1
        if self._left == 0:
            raise Crash

    def batch(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> None:
        self._tick()
        self._session.batch(statements)

    def applied(self, cql: str, params: Sequence[Any] = ()) -> tuple[bool, Any]:
        self._tick()
        return self._session.applied(cql, params)

    def execute(self, cql: str, params: Sequence[Any] = (), fetch_size: int | None = None) -> Any:
        self._tick()
        return self._session.execute(cql, params, fetch_size)


@pytest.mark.parametrize("crash_at", [1, 2, 3])
def test_a_crash_anywhere_in_add_leaves_no_record_the_sweeper_cannot_see(
    request: pytest.FixtureRequest, crash_at: int
) -> None:
    session = fresh_session(request, "media")
    crashing = CassandraMediaStore(CrashingSession(session, crash_at))  # type: ignore[arg-type]
    media = make_media(1, created_at=T0)
    with contextlib.suppress(Crash):
        crashing.add(media)
    store = CassandraMediaStore(session)
    swept = [m.media_id for m in store.unclaimed(T0 + timedelta(hours=1), 10)]
    if store.get(1) is not None:
        assert swept == [1]
    else:
        assert swept == []


def test_an_index_row_left_by_a_refused_insert_does_not_expose_the_older_record(
    request: pytest.FixtureRequest,
) -> None:
    """A conflicting insert writes its index row (with its own time) before it is refused;
    the sweeper must judge the existing record by the record's time, not that row's."""
    store = CassandraMediaStore(fresh_session(request, "media"))
    fresh = make_media(1, created_at=T0 + timedelta(days=2))
    store.add(fresh)
    with pytest.raises(Conflict):
        store.add(attrs.evolve(fresh, created_at=T0))
    assert list(store.unclaimed(T0 + timedelta(hours=1), 10)) == []
    assert [m.media_id for m in store.unclaimed(T0 + timedelta(days=3), 10)] == [1]

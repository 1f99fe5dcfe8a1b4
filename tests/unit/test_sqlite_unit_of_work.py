"""The embedded unit of work: a write and the bus jobs of its message, one SQLite commit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_adapters.sqlite.event_bus import SqliteEventBus
from instagram_adapters.sqlite.social_graph import SqliteSocialGraph
from instagram_adapters.sqlite.unit_of_work import SqliteUnitOfWork
from instagram_adapters.sqlite.users import SqliteUserStore
from instagram_core.domain.errors import Unavailable
from instagram_core.domain.events import FollowCreated
from instagram_core.domain.social import Follow, FollowStatus
from instagram_core.domain.users import User
from instagram_core.ports.units import Emit

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[SqliteDatabase]:
    database = SqliteDatabase(tmp_path / "unit.db")
    users = SqliteUserStore(database)
    for name in ("a", "b"):
        users.add(User(name, name, name, NOW), "hash")
    yield database
    database.close()


def jobs(database: SqliteDatabase) -> int:
    row = database.query_one("SELECT COUNT(*) AS n FROM bus_jobs")
    assert row is not None
    return int(row["n"])


def test_a_follow_and_its_jobs_commit_together(database: SqliteDatabase) -> None:
    graph = SqliteSocialGraph(database)
    handled: list[FollowCreated] = []
    bus = SqliteEventBus(database, {FollowCreated: [handled.append, handled.append]})
    unit = SqliteUnitOfWork(database, bus)

    def follow(emit: Emit) -> None:
        graph.put(Follow("a", "b", FollowStatus.ACTIVE, NOW))
        emit(FollowCreated("a", "b", pending=False))

    unit.run(follow)
    assert graph.get("a", "b") is not None
    assert jobs(database) == 2  # one per handler, waiting for a worker


def test_a_unit_failing_after_its_writes_keeps_neither(database: SqliteDatabase) -> None:
    graph = SqliteSocialGraph(database)
    bus = SqliteEventBus(database, {FollowCreated: [lambda m: None]})
    unit = SqliteUnitOfWork(database, bus)

    def follow_then_fail(emit: Emit) -> None:
        graph.put(Follow("a", "b", FollowStatus.ACTIVE, NOW))
        emit(FollowCreated("a", "b", pending=False))
        raise Unavailable("the process died before the commit")

    with pytest.raises(Unavailable):
        unit.run(follow_then_fail)
    assert graph.get("a", "b") is None
    assert jobs(database) == 0

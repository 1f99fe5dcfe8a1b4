"""Every notification store passes :class:`~instagram_core.testing.NotificationStoreContract`;
below, the SQLite adapter's own tests.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from instagram_adapters.cassandra.notifications import CassandraNotificationStore
from instagram_adapters.memory.notifications import InMemoryNotificationStore
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_adapters.sqlite.notifications import SqliteNotificationStore
from instagram_core.ports import NotificationStore
from instagram_core.testing.notifications import NotificationStoreContract, like
from tests.cassandra_support import SMALL_BUCKETS, fresh_session


class TestInMemoryNotificationStore(NotificationStoreContract):
    @pytest.fixture
    def new_notification_store(self) -> Callable[[], NotificationStore]:
        return InMemoryNotificationStore


class TestSqliteNotificationStore(NotificationStoreContract):
    @pytest.fixture
    def new_notification_store(
        self, new_sqlite_database: Callable[[], SqliteDatabase]
    ) -> Callable[[], NotificationStore]:
        return lambda: SqliteNotificationStore(new_sqlite_database())


class TestCassandraNotificationStore(NotificationStoreContract):
    @pytest.fixture
    def new_notification_store(
        self, request: pytest.FixtureRequest
    ) -> Callable[[], NotificationStore]:
        return lambda: CassandraNotificationStore(fresh_session(request, "notifications"))


class TestCassandraNotificationStoreSmallBuckets(NotificationStoreContract):
    """Buckets so narrow that most tests cross their boundaries."""

    @pytest.fixture
    def new_notification_store(
        self, request: pytest.FixtureRequest
    ) -> Callable[[], NotificationStore]:
        return lambda: CassandraNotificationStore(
            fresh_session(request, "notifications"), bucket_width=SMALL_BUCKETS
        )


def test_sqlite_notifications_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "notifications.db"
    db = SqliteDatabase(path)
    SqliteNotificationStore(db).add(like(1, actors=("bob", "dave")))
    db.close()

    reopened = SqliteDatabase(path)
    try:
        again = SqliteNotificationStore(reopened)
        assert again.latest_in_group("alice", "like:7") == like(1, actors=("bob", "dave"))
        assert list(again.list("alice", None, 10)) == [like(1, actors=("bob", "dave"))]
    finally:
        reopened.close()

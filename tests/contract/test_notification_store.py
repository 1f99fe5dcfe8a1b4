"""Every notification store passes :class:`~instagram_core.testing.NotificationStoreContract`;
below, the SQLite adapter's own tests.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from instagram_adapters.cassandra.notifications import CassandraNotificationStore
from instagram_adapters.memory.notifications import InMemoryNotificationStore
from instagram_adapters.sqlite.codecs import to_micros
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_adapters.sqlite.notifications import SCHEMA, SqliteNotificationStore
from instagram_core.policies.notification_batching import acted_at, moved_to_top
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


def test_sqlite_rows_from_before_actor_times_read_in_their_stored_order(tmp_path: Path) -> None:
    """A table made before ``actor_times`` gains the column; its rows read without times,
    and a group advanced from one orders its actors by ``acted_at`` (stored order)."""
    db = SqliteDatabase(tmp_path / "old.db")
    try:
        old_schema = SCHEMA.replace("    actor_times TEXT,\n", "")
        assert old_schema != SCHEMA
        db.apply_schema(old_schema)
        old = like(1, actors=("carol", "bob"))
        db.execute(
            "INSERT INTO notifications (recipient_id, notification_id, kind, group_key, "
            "actor_ids, actor_count, created_at, post_id, comment_id, group_id) "
            "VALUES ('alice', 1, 'like', 'like:7', '[\"carol\", \"bob\"]', 2, ?, 7, NULL, 1)",
            (to_micros(old.created_at),),
        )
        store = SqliteNotificationStore(db)
        read = store.latest_in_group("alice", "like:7")
        assert read == old
        assert read is not None
        assert acted_at(read) == (old.created_at, old.created_at)
        later = moved_to_top(read, 2, "dave", True, old.created_at + timedelta(seconds=1))
        assert store.advance_group(1, later, replace_expected=True)
        assert store.latest_in_group("alice", "like:7") == later
        assert later.actor_ids == ("dave", "carol", "bob")
    finally:
        db.close()

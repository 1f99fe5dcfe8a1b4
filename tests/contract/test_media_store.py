"""Every media store passes :class:`~instagram_core.testing.MediaStoreContract`;
below, the SQLite adapter's own tests.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from instagram_adapters.cassandra.media import CassandraMediaStore
from instagram_adapters.memory.media import InMemoryMediaStore
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_adapters.sqlite.media import SqliteMediaStore
from instagram_core.ports import MediaStore
from instagram_core.testing.media import MediaStoreContract, make_media, ready_media
from tests.cassandra_support import fresh_session


class TestInMemoryMediaStore(MediaStoreContract):
    @pytest.fixture
    def new_media_store(self) -> Callable[[], MediaStore]:
        return InMemoryMediaStore


class TestSqliteMediaStore(MediaStoreContract):
    @pytest.fixture
    def new_media_store(
        self, new_sqlite_database: Callable[[], SqliteDatabase]
    ) -> Callable[[], MediaStore]:
        return lambda: SqliteMediaStore(new_sqlite_database())


class TestCassandraMediaStore(MediaStoreContract):
    @pytest.fixture
    def new_media_store(self, request: pytest.FixtureRequest) -> Callable[[], MediaStore]:
        return lambda: CassandraMediaStore(fresh_session(request, "media"))


def test_sqlite_media_survives_reopening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "media.db"
    db = SqliteDatabase(path)
    store = SqliteMediaStore(db)
    store.add(ready_media(1))
    store.add(make_media(2))
    store.attach(2, 100)
    db.close()

    reopened = SqliteDatabase(path)
    try:
        store = SqliteMediaStore(reopened)
        assert store.get(1) == ready_media(1)
        assert store.attach(2, 200) is False
        assert store.get(2) == make_media(2, post_id=100)
    finally:
        reopened.close()


def test_sqlite_adds_new_columns_to_an_older_media_table(tmp_path: Path) -> None:
    db = SqliteDatabase(tmp_path / "old.sqlite3")
    db.apply_schema(
        "CREATE TABLE media (media_id INTEGER PRIMARY KEY, owner_id TEXT NOT NULL, type TEXT "
        "NOT NULL, content_type TEXT NOT NULL, created_at INTEGER NOT NULL, status TEXT NOT "
        "NULL, post_id INTEGER, width INTEGER, height INTEGER, variants TEXT NOT NULL, "
        "blurhash TEXT, metadata TEXT, failure_reason TEXT);"
    )
    store = SqliteMediaStore(db)
    store.add(make_media(3, duration_seconds=1.5))
    found = store.get(3)
    assert found is not None
    assert found.duration_seconds == 1.5
    db.close()

"""Every post store passes :class:`~instagram_core.testing.PostStoreContract`;
below, the SQLite adapter's own tests.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from instagram_adapters.cassandra.posts import CassandraPostStore
from instagram_adapters.memory.posts import InMemoryPostStore
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_adapters.sqlite.posts import SqlitePostStore
from instagram_core.ports import PostStore
from instagram_core.testing.posts import PROCESSING, PostStoreContract, make_post, rich_post
from tests.cassandra_support import fresh_session


class TestInMemoryPostStore(PostStoreContract):
    @pytest.fixture
    def new_post_store(self) -> Callable[[], PostStore]:
        return InMemoryPostStore


class TestSqlitePostStore(PostStoreContract):
    @pytest.fixture
    def new_post_store(
        self, new_sqlite_database: Callable[[], SqliteDatabase]
    ) -> Callable[[], PostStore]:
        return lambda: SqlitePostStore(new_sqlite_database())


class TestCassandraPostStore(PostStoreContract):
    @pytest.fixture
    def new_post_store(self, request: pytest.FixtureRequest) -> Callable[[], PostStore]:
        # Buckets of 2 s (processing) and 3 s (settled): posts a second apart cross them.
        return lambda: CassandraPostStore(fresh_session(request, "posts"), 2_000_000, 3_000_000)


def test_sqlite_posts_survive_reopening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "posts.db"
    db = SqliteDatabase(path)
    SqlitePostStore(db).add(rich_post(1))
    SqlitePostStore(db).add(make_post(2, status=PROCESSING))
    db.close()

    reopened = SqliteDatabase(path)
    try:
        store = SqlitePostStore(reopened)
        assert store.get(1) == rich_post(1)
        assert store.by_status(PROCESSING, 5) == [make_post(2, status=PROCESSING)]
        assert store.count_published("ann") == 1
    finally:
        reopened.close()

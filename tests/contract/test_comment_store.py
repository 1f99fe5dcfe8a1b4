"""Every comment store passes :class:`~instagram_core.testing.CommentStoreContract`;
below, the SQLite adapter's own tests.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from instagram_adapters.cassandra.comments import CassandraCommentStore
from instagram_adapters.memory.comments import InMemoryCommentStore
from instagram_adapters.sqlite.comments import SqliteCommentStore
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_core.domain.errors import Conflict
from instagram_core.ports import CommentStore
from instagram_core.testing.comments import CommentStoreContract, comment
from tests.cassandra_support import SMALL_BUCKETS, fresh_session


class TestInMemoryCommentStore(CommentStoreContract):
    @pytest.fixture
    def new_comment_store(self) -> Callable[[], CommentStore]:
        return InMemoryCommentStore


class TestSqliteCommentStore(CommentStoreContract):
    @pytest.fixture
    def new_comment_store(
        self, new_sqlite_database: Callable[[], SqliteDatabase]
    ) -> Callable[[], CommentStore]:
        return lambda: SqliteCommentStore(new_sqlite_database())


class TestCassandraCommentStore(CommentStoreContract):
    @pytest.fixture
    def new_comment_store(self, request: pytest.FixtureRequest) -> Callable[[], CommentStore]:
        return lambda: CassandraCommentStore(fresh_session(request, "comments"), SMALL_BUCKETS)


def test_sqlite_comments_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "comments.db"
    db = SqliteDatabase(path)
    stored = comment(10)
    SqliteCommentStore(db).add(stored)
    db.close()

    reopened = SqliteDatabase(path)
    try:
        again = SqliteCommentStore(reopened)
        assert list(again.list(1, None, 10)) == [stored]
        with pytest.raises(Conflict):
            again.add(stored)
    finally:
        reopened.close()

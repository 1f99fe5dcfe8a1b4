"""Every user store passes :class:`~instagram_core.testing.UserStoreContract`; below the
adapters' own tests (durability, MySQL's concurrency and column limits).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC
from pathlib import Path

import pytest

from instagram_adapters.memory.users import InMemoryUserStore
from instagram_adapters.mysql.pool import MySqlPool
from instagram_adapters.mysql.users import MySqlUserStore
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_adapters.sqlite.users import SqliteUserStore
from instagram_core.domain.errors import Conflict, InvalidInput
from instagram_core.ports import UserStore
from instagram_core.testing.users import UserStoreContract, make_user
from tests.engines import MariaDbServer
from tests.mysql_support import open_test_pool, reset


class TestInMemoryUserStore(UserStoreContract):
    @pytest.fixture
    def new_user_store(self) -> Callable[[], UserStore]:
        return InMemoryUserStore


class TestSqliteUserStore(UserStoreContract):
    @pytest.fixture
    def new_user_store(
        self, new_sqlite_database: Callable[[], SqliteDatabase]
    ) -> Callable[[], UserStore]:
        return lambda: SqliteUserStore(new_sqlite_database())


class TestMySqlUserStore(UserStoreContract):
    @pytest.fixture
    def new_user_store(self, mysql_pool: MySqlPool) -> Callable[[], UserStore]:
        def make() -> UserStore:
            reset(mysql_pool)  # one database per session; emptied for every store
            return MySqlUserStore(mysql_pool)

        return make


def test_sqlite_users_survive_reopening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "users.db"
    db = SqliteDatabase(path)
    SqliteUserStore(db).add(make_user(bio="durable"), "h")
    db.close()

    reopened = SqliteDatabase(path)
    try:
        store = SqliteUserStore(reopened)
        user = store.get("u1")
        assert user == make_user(bio="durable")
        assert user is not None
        assert user.created_at.tzinfo is UTC
        assert store.password_hash("u1") == "h"
        with pytest.raises(Conflict):
            store.add(make_user(user_id="u2", username="ALICE"), "h")
    finally:
        reopened.close()


def test_mysql_users_survive_a_new_pool(
    mysql_pool: MySqlPool, mariadb_server: MariaDbServer
) -> None:
    reset(mysql_pool)
    MySqlUserStore(mysql_pool).add(make_user(bio="durable"), "h")
    fresh = open_test_pool(mariadb_server, size=1)
    try:
        store = MySqlUserStore(fresh)
        user = store.get("u1")
        assert user == make_user(bio="durable")
        assert user is not None
        assert user.created_at.tzinfo is UTC
        with pytest.raises(Conflict):
            store.add(make_user(user_id="u2", username="ALICE"), "h")
    finally:
        fresh.close()


def test_mysql_concurrent_signups_of_one_name_let_exactly_one_in(mysql_pool: MySqlPool) -> None:
    reset(mysql_pool)
    store, start = MySqlUserStore(mysql_pool), threading.Barrier(12)
    outcomes: list[str] = []

    def sign_up(n: int) -> None:
        start.wait()
        try:
            store.add(make_user(user_id=f"u{n}", username="AlIcE" if n % 2 else "alice"), "h")
            outcomes.append("added")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["added"] + ["conflict"] * 11
    assert store.by_username("ALICE") is not None


def test_mysql_a_value_too_long_for_its_column_raises_invalid_input(
    mysql_pool: MySqlPool,
) -> None:
    """Strict SQL mode: the core's limits are the columns' sizes; nothing is truncated."""
    reset(mysql_pool)
    store = MySqlUserStore(mysql_pool)
    with pytest.raises(InvalidInput):
        store.add(make_user(display_name="x" * 65), "h")
    assert store.get("u1") is None

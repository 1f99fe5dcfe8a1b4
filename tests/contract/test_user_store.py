"""Contract of :class:`~instagram_core.ports.UserStore`, run against every adapter."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instagram_adapters.memory.users import InMemoryUserStore
from instagram_adapters.mysql.pool import MySqlPool
from instagram_adapters.mysql.users import MySqlUserStore
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_adapters.sqlite.users import SqliteUserStore
from instagram_core.domain.errors import Conflict, InvalidInput, NotFound
from instagram_core.domain.users import User
from instagram_core.ports import UserStore
from tests.engines import MariaDbServer
from tests.mysql_support import mariadb, open_test_pool, reset

T0 = datetime(2024, 5, 17, 9, 30, 12, 345678, tzinfo=UTC)


def make_user(user_id: str = "u1", username: str = "alice", **changes: Any) -> User:
    user = User(user_id=user_id, username=username, display_name="Alice", created_at=T0)
    return attrs.evolve(user, **changes)


@pytest.fixture(scope="module")
def mysql_pool(request: pytest.FixtureRequest) -> Iterator[MySqlPool]:
    pool = open_test_pool(mariadb(request))
    yield pool
    pool.close()


@pytest.fixture(params=["memory", "sqlite", "mysql"])
def new_user_store(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[[], UserStore]]:
    """A factory of fresh, empty stores (property tests need one per example)."""
    databases: list[SqliteDatabase] = []
    pool: MySqlPool | None = (
        request.getfixturevalue("mysql_pool") if request.param == "mysql" else None
    )

    def make() -> UserStore:
        if request.param == "memory":
            return InMemoryUserStore()
        if pool is not None:
            reset(pool)  # one database per session; emptied for every store
            return MySqlUserStore(pool)
        databases.append(SqliteDatabase(tmp_path / f"users-{len(databases)}.db"))
        return SqliteUserStore(databases[-1])

    yield make
    for db in databases:
        db.close()


@pytest.fixture
def user_store(new_user_store: Callable[[], UserStore]) -> UserStore:
    return new_user_store()


def test_add_then_get_returns_the_user(user_store: UserStore) -> None:
    user = make_user(bio="hi", avatar_url="https://cdn/a.jpg", is_private=True)
    user_store.add(user, "hash-1")
    assert user_store.get("u1") == user
    assert user_store.password_hash("u1") == "hash-1"


def test_created_at_round_trips_exactly_whatever_its_offset(user_store: UserStore) -> None:
    moment = datetime(2024, 1, 1, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-7)))
    user_store.add(make_user(created_at=moment), "h")
    stored = user_store.get("u1")
    assert stored is not None
    assert stored.created_at == moment


def test_get_of_an_unknown_id_is_none(user_store: UserStore) -> None:
    assert user_store.get("nobody") is None


def test_add_with_a_taken_user_id_conflicts_and_stores_nothing(user_store: UserStore) -> None:
    user_store.add(make_user(), "h1")
    with pytest.raises(Conflict):
        user_store.add(make_user(username="bob"), "h2")
    assert user_store.get("u1") == make_user()
    assert user_store.password_hash("u1") == "h1"
    assert user_store.by_username("bob") is None


@pytest.mark.parametrize("taken", ["alice", "ALICE", "Alice"])
def test_add_with_a_taken_username_conflicts_case_insensitively(
    user_store: UserStore, taken: str
) -> None:
    user_store.add(make_user(), "h1")
    with pytest.raises(Conflict):
        user_store.add(make_user(user_id="u2", username=taken), "h2")
    assert user_store.get("u2") is None
    assert user_store.password_hash("u2") is None


def test_get_many_leaves_unknown_ids_out(user_store: UserStore) -> None:
    alice, bob = make_user(), make_user(user_id="u2", username="bob")
    user_store.add(alice, "h")
    user_store.add(bob, "h")
    assert user_store.get_many(["u2", "ghost", "u1", "u2"]) == {"u1": alice, "u2": bob}
    assert user_store.get_many([]) == {}


def test_get_many_answers_more_ids_than_one_query_can_bind(user_store: UserStore) -> None:
    user_store.add(make_user(user_id="u-1999", username="last"), "h")
    found = user_store.get_many(f"u-{n}" for n in range(2000))
    assert list(found) == ["u-1999"]


@pytest.mark.parametrize("asked", ["alice", "ALICE", "aLiCe"])
def test_by_username_is_case_insensitive(user_store: UserStore, asked: str) -> None:
    user_store.add(make_user(), "h")
    assert user_store.by_username(asked) == make_user()


def test_by_username_of_an_unknown_name_is_none(user_store: UserStore) -> None:
    user_store.add(make_user(), "h")
    assert user_store.by_username("alicia") is None


def test_password_hash_of_an_unknown_user_is_none(user_store: UserStore) -> None:
    assert user_store.password_hash("nobody") is None


def test_set_password_hash_replaces_it(user_store: UserStore) -> None:
    user_store.add(make_user(), "old")
    user_store.set_password_hash("u1", "new")
    assert user_store.password_hash("u1") == "new"


def test_set_password_hash_of_an_unknown_user_is_a_no_op(user_store: UserStore) -> None:
    user_store.set_password_hash("nobody", "new")
    assert user_store.password_hash("nobody") is None
    assert user_store.get("nobody") is None


def test_update_replaces_the_profile_fields(user_store: UserStore) -> None:
    user_store.add(make_user(), "h")
    changed = make_user(display_name="Al", bio="new bio", avatar_url="a.png", is_private=True)
    user_store.update(changed)
    assert user_store.get("u1") == changed
    assert user_store.password_hash("u1") == "h"


def test_verification_round_trips_through_add_and_update(user_store: UserStore) -> None:
    user_store.add(make_user(is_verified=True), "h")
    assert user_store.get("u1") == make_user(is_verified=True)
    user_store.update(make_user(is_verified=False, bio="x"))
    assert user_store.get("u1") == make_user(bio="x")
    user_store.update(make_user(is_verified=True))
    assert user_store.by_username("alice") == make_user(is_verified=True)


def test_ids_after_walks_every_account_in_id_order(user_store: UserStore) -> None:
    for n in (3, 1, 4, 2, 5):
        user_store.add(make_user(f"u{n}", f"user{n}"), "h")
    assert list(user_store.ids_after(None, 2)) == ["u1", "u2"]
    assert list(user_store.ids_after("u2", 2)) == ["u3", "u4"]
    assert list(user_store.ids_after("u4", 10)) == ["u5"]
    assert list(user_store.ids_after("u5", 10)) == []


def test_update_cannot_change_the_username(user_store: UserStore) -> None:
    user_store.add(make_user(), "h")
    user_store.update(make_user(username="mallory", bio="renamed?"))
    assert user_store.get("u1") == make_user(bio="renamed?")
    assert user_store.by_username("mallory") is None


def test_update_of_an_unknown_user_raises_not_found(user_store: UserStore) -> None:
    with pytest.raises(NotFound):
        user_store.update(make_user())
    assert user_store.get("u1") is None


signups = st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from(["x", "X", "y", "z"])))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(attempts=signups)
def test_accounts_stay_unique_by_id_and_case_insensitive_name(
    new_user_store: Callable[[], UserStore], attempts: list[tuple[str, str]]
) -> None:
    store = new_user_store()
    model: dict[str, User] = {}
    for user_id, username in attempts:
        user = make_user(user_id=user_id, username=username)
        clash = user_id in model or any(
            u.username.lower() == username.lower() for u in model.values()
        )
        if clash:
            with pytest.raises(Conflict):
                store.add(user, "h")
        else:
            store.add(user, "h")
            model[user_id] = user
    assert store.get_many("abc") == model
    for user in model.values():
        assert store.by_username(user.username.swapcase()) == user


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

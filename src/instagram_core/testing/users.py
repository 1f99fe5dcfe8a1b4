"""Contract of :class:`~instagram_core.ports.UserStore`.

Provide ``new_user_store``: a fixture returning a factory of fresh, empty stores (the
property test needs one per example).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instagram_core.domain.errors import Conflict, NotFound
from instagram_core.domain.users import User
from instagram_core.ports import UserStore
from instagram_core.testing.hypothesis_settings import CONTRACT_HEALTH_CHECKS

T0 = datetime(2024, 5, 17, 9, 30, 12, 345678, tzinfo=UTC)


def make_user(user_id: str = "u1", username: str = "alice", **changes: Any) -> User:
    user = User(user_id=user_id, username=username, display_name="Alice", created_at=T0)
    return attrs.evolve(user, **changes)


signups = st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from(["x", "X", "y", "z"])))


class UserStoreContract:
    """The behaviour every adapter of the port must show. Subclass it in a test module (as
    ``Test<YourAdapter>``) and provide the adapter's fixture: see the module docstring."""

    @pytest.fixture
    def user_store(self, new_user_store: Callable[[], UserStore]) -> UserStore:
        return new_user_store()

    def test_add_then_get_returns_the_user(self, user_store: UserStore) -> None:
        user = make_user(bio="hi", avatar_url="https://cdn/a.jpg", is_private=True)
        user_store.add(user, "hash-1")
        assert user_store.get("u1") == user
        assert user_store.password_hash("u1") == "hash-1"

    def test_created_at_round_trips_exactly_whatever_its_offset(
        self, user_store: UserStore
    ) -> None:
        moment = datetime(2024, 1, 1, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-7)))
        user_store.add(make_user(created_at=moment), "h")
        stored = user_store.get("u1")
        assert stored is not None
        assert stored.created_at == moment

    def test_get_of_an_unknown_id_is_none(self, user_store: UserStore) -> None:
        assert user_store.get("nobody") is None

    def test_add_with_a_taken_user_id_conflicts_and_stores_nothing(
        self, user_store: UserStore
    ) -> None:
        user_store.add(make_user(), "h1")
        with pytest.raises(Conflict):
            user_store.add(make_user(username="bob"), "h2")
        assert user_store.get("u1") == make_user()
        assert user_store.password_hash("u1") == "h1"
        assert user_store.by_username("bob") is None

    @pytest.mark.parametrize("taken", ["alice", "ALICE", "Alice"])
    def test_add_with_a_taken_username_conflicts_case_insensitively(
        self, user_store: UserStore, taken: str
    ) -> None:
        user_store.add(make_user(), "h1")
        with pytest.raises(Conflict):
            user_store.add(make_user(user_id="u2", username=taken), "h2")
        assert user_store.get("u2") is None
        assert user_store.password_hash("u2") is None

    def test_get_many_leaves_unknown_ids_out(self, user_store: UserStore) -> None:
        alice, bob = make_user(), make_user(user_id="u2", username="bob")
        user_store.add(alice, "h")
        user_store.add(bob, "h")
        assert user_store.get_many(["u2", "ghost", "u1", "u2"]) == {"u1": alice, "u2": bob}
        assert user_store.get_many([]) == {}

    def test_get_many_answers_more_ids_than_one_query_can_bind(self, user_store: UserStore) -> None:
        user_store.add(make_user(user_id="u-1999", username="last"), "h")
        found = user_store.get_many(f"u-{n}" for n in range(2000))
        assert list(found) == ["u-1999"]

    @pytest.mark.parametrize("asked", ["alice", "ALICE", "aLiCe"])
    def test_by_username_is_case_insensitive(self, user_store: UserStore, asked: str) -> None:
        user_store.add(make_user(), "h")
        assert user_store.by_username(asked) == make_user()

    def test_by_username_of_an_unknown_name_is_none(self, user_store: UserStore) -> None:
        user_store.add(make_user(), "h")
        assert user_store.by_username("alicia") is None

    def test_password_hash_of_an_unknown_user_is_none(self, user_store: UserStore) -> None:
        assert user_store.password_hash("nobody") is None

    def test_set_password_hash_replaces_it(self, user_store: UserStore) -> None:
        user_store.add(make_user(), "old")
        user_store.set_password_hash("u1", "new")
        assert user_store.password_hash("u1") == "new"

    def test_set_password_hash_of_an_unknown_user_is_a_no_op(self, user_store: UserStore) -> None:
        user_store.set_password_hash("nobody", "new")
        assert user_store.password_hash("nobody") is None
        assert user_store.get("nobody") is None

    def test_verification_round_trips_through_add_and_update(self, user_store: UserStore) -> None:
        user_store.add(make_user(is_verified=True), "h")
        assert user_store.get("u1") == make_user(is_verified=True)
        user_store.update(make_user(is_verified=False, bio="x"))
        assert user_store.get("u1") == make_user(bio="x")
        user_store.update(make_user(is_verified=True))
        assert user_store.by_username("alice") == make_user(is_verified=True)

    def test_ids_after_walks_every_account_in_id_order(self, user_store: UserStore) -> None:
        for n in (3, 1, 4, 2, 5):
            user_store.add(make_user(f"u{n}", f"user{n}"), "h")
        assert list(user_store.ids_after(None, 2)) == ["u1", "u2"]
        assert list(user_store.ids_after("u2", 2)) == ["u3", "u4"]
        assert list(user_store.ids_after("u4", 10)) == ["u5"]
        assert list(user_store.ids_after("u5", 10)) == []

    def test_update_replaces_the_profile_fields(self, user_store: UserStore) -> None:
        user_store.add(make_user(), "h")
        changed = make_user(display_name="Al", bio="new bio", avatar_url="a.png", is_private=True)
        user_store.update(changed)
        assert user_store.get("u1") == changed
        assert user_store.password_hash("u1") == "h"

    def test_update_cannot_change_the_username(self, user_store: UserStore) -> None:
        user_store.add(make_user(), "h")
        user_store.update(make_user(username="mallory", bio="renamed?"))
        assert user_store.get("u1") == make_user(bio="renamed?")
        assert user_store.by_username("mallory") is None

    def test_update_of_an_unknown_user_raises_not_found(self, user_store: UserStore) -> None:
        with pytest.raises(NotFound):
            user_store.update(make_user())
        assert user_store.get("u1") is None

    @settings(max_examples=40, deadline=None, suppress_health_check=[*CONTRACT_HEALTH_CHECKS])
    @given(attempts=signups)
    def test_accounts_stay_unique_by_id_and_case_insensitive_name(
        self, new_user_store: Callable[[], UserStore], attempts: list[tuple[str, str]]
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

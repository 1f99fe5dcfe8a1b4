"""Authentication reuses the user it read while the profile is unchanged, for a minute."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from instagram_core.domain.users import User
from instagram_core.services.known_users import KnownUsers
from tests.unit.conftest import World


class CountingUsers:
    def __init__(self, world: World) -> None:
        self.inner = world.adapters.users()
        self.reads = 0

    def get(self, user_id: str) -> User | None:
        self.reads += 1
        return self.inner.get(user_id)

    def get_many(self, user_ids: Iterable[str]) -> Mapping[str, User]:
        return self.inner.get_many(user_ids)


def known(world: World, users: CountingUsers, max_users: int = 100) -> KnownUsers:
    freshness = world.core.freshness()
    return KnownUsers(users, freshness, world.clock, max_users=max_users)  # type: ignore[arg-type]


def test_a_user_is_read_once_while_unchanged_then_again_after_a_minute(world: World) -> None:
    alice = world.register("alice")
    users = CountingUsers(world)
    cache = known(world, users)
    assert cache.get(alice.user_id) == alice
    assert cache.get(alice.user_id) == alice
    assert users.reads == 1
    world.clock.advance(60)
    assert cache.get(alice.user_id) == alice
    assert users.reads == 2


def test_a_profile_edit_is_seen_at_once(world: World) -> None:
    alice = world.register("alice")
    users = CountingUsers(world)
    cache = known(world, users)
    cache.get(alice.user_id)
    world.core.accounts().update_profile(alice.user_id, display_name="Alice A.", is_private=True)
    seen = cache.get(alice.user_id)
    assert seen is not None
    assert (seen.display_name, seen.is_private) == ("Alice A.", True)


def test_unknown_users_are_not_kept_and_the_count_is_bounded(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    users = CountingUsers(world)
    cache = known(world, users, max_users=1)
    assert cache.get("nobody") is None
    assert cache.get("nobody") is None
    assert users.reads == 2
    cache.get(alice.user_id)
    cache.get(bob.user_id)  # pushes alice out
    cache.get(alice.user_id)
    assert users.reads == 5


def test_authentication_sees_a_profile_edit_through_the_token(world: World) -> None:
    accounts = world.core.accounts()
    alice = world.register("alice")
    token = accounts.log_in("alice", "correct horse").token
    assert accounts.authenticate(token).display_name == alice.display_name
    accounts.update_profile(alice.user_id, display_name="Alice A.")
    assert accounts.authenticate(token).display_name == "Alice A."

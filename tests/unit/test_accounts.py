from __future__ import annotations

import pytest

from instagram_core.domain.errors import Conflict, InvalidInput, RateLimited, Unauthenticated
from instagram_core.domain.social import FollowStatus
from tests.unit.conftest import World


def test_register_stores_a_lower_case_username(world: World) -> None:
    user = world.core.accounts().register("Alice_1", "long enough", display_name="Alice")
    assert user.username == "alice_1"
    assert world.adapters.users().by_username("ALICE_1") == user


def test_taken_username_is_a_conflict_in_any_case(world: World) -> None:
    world.register("alice")
    with pytest.raises(Conflict):
        world.core.accounts().register("ALICE", "another password")


@pytest.mark.parametrize("username", ["", "has space", "x" * 31, "émile", "dash-ed"])
def test_usernames_outside_the_rule_are_invalid(world: World, username: str) -> None:
    with pytest.raises(InvalidInput):
        world.core.accounts().register(username, "long enough")


def test_short_password_is_invalid(world: World) -> None:
    with pytest.raises(InvalidInput):
        world.core.accounts().register("bob", "short")


def test_log_in_issues_a_token_that_authenticates(world: World) -> None:
    user = world.register("alice")
    token = world.core.accounts().log_in("Alice", "correct horse")
    assert world.core.accounts().authenticate(token.token) == user
    assert token.expires_in > 0


@pytest.mark.parametrize(("username", "password"), [("alice", "wrong horse"), ("nobody", "x")])
def test_wrong_credentials_are_refused_alike(world: World, username: str, password: str) -> None:
    world.register("alice")
    with pytest.raises(Unauthenticated, match="wrong username or password"):
        world.core.accounts().log_in(username, password)


def test_tampered_token_is_refused(world: World) -> None:
    world.register("alice")
    token = world.core.accounts().log_in("alice", "correct horse").token
    with pytest.raises(Unauthenticated):
        world.core.accounts().authenticate(token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))


def test_expired_token_is_refused(world: World) -> None:
    world.register("alice")
    token = world.core.accounts().log_in("alice", "correct horse").token
    world.clock.advance(world.c.config.token_ttl_seconds() + 1)
    with pytest.raises(Unauthenticated):
        world.core.accounts().authenticate(token)


def test_repeated_failed_log_ins_are_rate_limited(world: World) -> None:
    world.register("alice")
    for _ in range(10):
        with pytest.raises(Unauthenticated):
            world.core.accounts().log_in("alice", "wrong horse")
    with pytest.raises(RateLimited) as refused:
        world.core.accounts().log_in("alice", "correct horse")
    assert 0 < refused.value.retry_after <= 300


def test_profile_edit_validates_and_keeps_other_fields(world: World) -> None:
    user = world.register("alice")
    updated = world.core.accounts().update_profile(user.user_id, bio="hello")
    assert (updated.bio, updated.display_name) == ("hello", user.display_name)
    with pytest.raises(InvalidInput):
        world.core.accounts().update_profile(user.user_id, bio="x" * 151)


def test_going_public_approves_pending_requests(world: World) -> None:
    alice = world.register("alice", private=True)
    bob = world.register("bob")
    assert world.follow(bob, alice) == "pending"
    world.core.accounts().update_profile(alice.user_id, is_private=False)
    follow = world.adapters.graph().get(bob.user_id, alice.user_id)
    assert follow is not None
    assert follow.status is FollowStatus.ACTIVE

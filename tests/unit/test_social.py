from __future__ import annotations

import pytest

from instagram_core.domain.errors import Forbidden, InvalidInput, NotFound
from tests.unit.conftest import World


def test_following_a_public_account_is_active_and_idempotent(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    assert world.follow(bob, alice) == "active"
    assert world.follow(bob, alice) == "active"
    assert world.adapters.graph().count_followers(alice.user_id) == 1
    assert world.core.profiles().profile(bob.user_id, "alice").follow_status == "active"


def test_following_a_private_account_waits_for_approval(world: World) -> None:
    alice, bob = world.register("alice", private=True), world.register("bob")
    assert world.follow(bob, alice) == "pending"
    assert world.adapters.graph().count_followers(alice.user_id) == 0
    requests = world.core.social().pending_requests(alice.user_id, None, 10)
    assert [u.username for u in requests.items] == ["bob"]
    world.core.social().approve(alice.user_id, "bob")
    assert world.adapters.graph().count_followers(alice.user_id) == 1
    assert world.core.social().pending_requests(alice.user_id, None, 10).items == []


def test_rejecting_removes_the_request(world: World) -> None:
    alice, bob = world.register("alice", private=True), world.register("bob")
    world.follow(bob, alice)
    world.core.social().reject(alice.user_id, "bob")
    assert world.adapters.graph().get(bob.user_id, alice.user_id) is None
    with pytest.raises(NotFound):
        world.core.social().approve(alice.user_id, "bob")


def test_cannot_follow_yourself_or_nobody(world: World) -> None:
    alice = world.register("alice")
    with pytest.raises(InvalidInput):
        world.follow(alice, alice)
    with pytest.raises(NotFound):
        world.core.social().follow(alice.user_id, "nobody")


def test_unfollow_is_a_no_op_when_not_following(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    world.core.social().unfollow(bob.user_id, "alice")
    world.follow(bob, alice)
    world.core.social().unfollow(bob.user_id, "alice")
    assert world.adapters.graph().count_followers(alice.user_id) == 0


def test_private_follower_lists_are_for_approved_followers_only(world: World) -> None:
    alice = world.register("alice", private=True)
    bob, carol = world.register("bob"), world.register("carol")
    world.follow(bob, alice)
    with pytest.raises(Forbidden):
        world.core.social().followers(bob.user_id, "alice", None, 10)
    world.core.social().approve(alice.user_id, "bob")
    assert [
        u.username for u in world.core.social().followers(bob.user_id, "alice", None, 10).items
    ] == ["bob"]
    with pytest.raises(Forbidden):
        world.core.social().following(carol.user_id, "alice", None, 10)


def test_follower_lists_paginate(world: World) -> None:
    alice = world.register("alice")
    fans = [world.register(f"fan{i}") for i in range(7)]
    for fan in fans:
        world.follow(fan, alice)
        world.clock.advance(1)
    seen, cursor = [], None
    while True:
        page = world.core.social().followers(alice.user_id, "alice", cursor, 3)
        seen += [u.username for u in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == [f"fan{i}" for i in reversed(range(7))]
    with pytest.raises(InvalidInput):
        world.core.social().followers(alice.user_id, "alice", None, 51)

from __future__ import annotations

import pytest

from instagram_core.domain.errors import InvalidInput, NotFound, RateLimited
from tests.unit.conftest import World


def test_likes_are_idempotent(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    post = world.post(alice)
    assert world.core.engagement().like(bob.user_id, post.post_id) == 1
    assert world.core.engagement().like(bob.user_id, post.post_id) == 1
    view = world.core.posts().get(bob.user_id, post.post_id)
    assert (view.like_count, view.liked_by_viewer) == (1, True)
    assert world.core.engagement().unlike(bob.user_id, post.post_id) == 0
    assert world.core.engagement().unlike(bob.user_id, post.post_id) == 0


def test_saves_are_idempotent_and_private(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    post = world.post(alice)
    world.core.engagement().save(bob.user_id, post.post_id)
    world.core.engagement().save(bob.user_id, post.post_id)
    assert world.core.posts().get(bob.user_id, post.post_id).saved_by_viewer
    assert not world.core.posts().get(alice.user_id, post.post_id).saved_by_viewer
    world.core.engagement().unsave(bob.user_id, post.post_id)
    assert not world.core.posts().get(bob.user_id, post.post_id).saved_by_viewer


def test_cannot_like_what_one_cannot_see(world: World) -> None:
    alice, bob = world.register("alice", private=True), world.register("bob")
    post = world.post(alice)
    with pytest.raises(NotFound, match=r"^post not found$"):
        world.core.engagement().like(bob.user_id, post.post_id)
    with pytest.raises(NotFound):
        world.core.engagement().like(bob.user_id, 12345)


def test_comments_read_oldest_first_and_count(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    post = world.post(alice)
    for text in ["first", "second", "third"]:
        world.core.comments().add(bob.user_id, post.post_id, text)
    page = world.core.comments().thread(alice.user_id, post.post_id, None, 2)
    rest = world.core.comments().thread(alice.user_id, post.post_id, page.next_cursor, 2)
    assert [c.comment.text for c in [*page.items, *rest.items]] == ["first", "second", "third"]
    assert rest.next_cursor is None
    assert world.core.posts().get(bob.user_id, post.post_id).comment_count == 3


def test_the_21st_comment_in_a_minute_is_rate_limited(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    post = world.post(alice)
    for i in range(20):
        world.core.comments().add(bob.user_id, post.post_id, f"comment {i}")
    with pytest.raises(RateLimited) as refused:
        world.core.comments().add(bob.user_id, post.post_id, "one too many")
    assert 0 < refused.value.retry_after <= 60
    world.clock.advance(61)
    world.core.comments().add(bob.user_id, post.post_id, "allowed again")


def test_comment_text_is_checked_and_moderated(world: World) -> None:
    alice = world.register("alice")
    post = world.post(alice)
    with pytest.raises(InvalidInput):
        world.core.comments().add(alice.user_id, post.post_id, "   ")
    with pytest.raises(InvalidInput):
        world.core.comments().add(alice.user_id, post.post_id, "x" * 2201)
    with pytest.raises(InvalidInput, match="refused"):
        world.core.comments().add(alice.user_id, post.post_id, "Buy followers now!")


def test_private_comments_are_hidden_from_non_followers(world: World) -> None:
    alice, bob = world.register("alice", private=True), world.register("bob")
    post = world.post(alice)
    world.core.comments().add(alice.user_id, post.post_id, "note to self")
    with pytest.raises(NotFound, match=r"^post not found$"):
        world.core.comments().thread(bob.user_id, post.post_id, None, 10)

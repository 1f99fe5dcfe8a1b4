from __future__ import annotations

from instagram_core.domain.users import User
from tests.unit.conftest import World, new_world


def order(world: World, viewer: User, limit: int = 50) -> list[str]:
    return [p.author.username for p in world.core.feed().home(viewer.user_id, None, limit).items]


def test_the_model_ranks_a_close_friend_above_a_newer_stranger() -> None:
    world = new_world(ranker="model")
    alice, bob, carol = world.register("alice"), world.register("bob"), world.register("carol")
    world.follow(bob, alice)
    world.follow(bob, carol)
    for _ in range(6):
        post = world.post(alice, "#sunset")
        world.core.engagement().like(bob.user_id, post.post_id)
        world.core.comments().add(bob.user_id, post.post_id, "lovely")
        world.clock.advance(3600)
    world.clock.advance(86_400)
    friend = world.post(alice, "#sunset again")
    world.clock.advance(600)
    stranger = world.post(carol, "newer, but bob never engaged with carol")
    ranked = [p.post_id for p in world.core.feed().home(bob.user_id, None, 50).items]
    assert ranked.index(friend.post_id) < ranked.index(stranger.post_id)


def test_no_page_has_three_posts_in_a_row_by_one_author() -> None:
    world = new_world(ranker="model")
    alice, bob, carol = world.register("alice"), world.register("bob"), world.register("carol")
    world.follow(carol, alice)
    world.follow(carol, bob)
    for _ in range(8):
        world.post(alice)
        world.clock.advance(60)
    for _ in range(2):
        world.post(bob)
        world.clock.advance(60)
    authors = order(world, carol)
    assert len(authors) == 10
    runs = [authors[i : i + 3] for i in range(len(authors) - 2)]
    tail_start = max(i for i, a in enumerate(authors) if a == "bob")
    assert all(len(set(run)) > 1 for run in runs[: tail_start - 1])


def test_shown_posts_are_remembered_as_seen() -> None:
    world = new_world(ranker="model")
    alice = world.register("alice")
    post = world.post(alice)
    world.core.feed().home(alice.user_id, None, 10)
    history = world.adapters.affinity().history(
        alice.user_id, [], [], [post.post_id], world.clock.now()
    )
    assert history.seen == {post.post_id}

from __future__ import annotations

import pytest

from instagram_core.domain.errors import InvalidInput, NotFound
from tests.unit.conftest import World


def feed_authors(world: World, viewer_id: str) -> list[str]:
    return [p.author.username for p in world.core.feed().home(viewer_id, None, 50).items]


def test_a_block_ends_follows_both_ways_and_hides_everything(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    world.follow(bob, alice)
    world.follow(alice, bob)
    post = world.post(alice)
    world.core.comments().add(bob.user_id, post.post_id, "hi from bob")
    world.core.social().block(alice.user_id, "bob")
    graph = world.adapters.graph()
    assert graph.get(bob.user_id, alice.user_id) is None
    assert graph.get(alice.user_id, bob.user_id) is None
    assert feed_authors(world, bob.user_id) == []
    for read in (
        lambda: world.core.posts().get(bob.user_id, post.post_id),
        lambda: world.core.profiles().profile(bob.user_id, "alice"),
        lambda: world.core.profiles().grid(bob.user_id, "alice", None, 10),
        lambda: world.core.social().follow(bob.user_id, "alice"),
        lambda: world.core.engagement().like(bob.user_id, post.post_id),
    ):
        with pytest.raises(NotFound):
            read()
    assert world.core.comments().thread(alice.user_id, post.post_id, None, 10).items == []


def test_unblocking_allows_following_again(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    world.core.social().block(alice.user_id, "bob")
    world.core.social().unblock(alice.user_id, "bob")
    assert world.follow(bob, alice) == "active"


def test_a_mute_hides_posts_from_the_feed_only(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    world.follow(bob, alice)
    post = world.post(alice)
    world.core.social().mute(bob.user_id, "alice")
    assert feed_authors(world, bob.user_id) == []
    assert world.core.posts().get(bob.user_id, post.post_id).post_id == post.post_id
    world.core.social().unmute(bob.user_id, "alice")
    assert feed_authors(world, bob.user_id) == ["alice"]


def test_cannot_block_or_mute_oneself(world: World) -> None:
    alice = world.register("alice")
    with pytest.raises(InvalidInput):
        world.core.social().block(alice.user_id, "alice")
    with pytest.raises(InvalidInput):
        world.core.social().mute(alice.user_id, "alice")


def test_readers_check_blocks_even_when_caches_still_name_the_blocked_account(
    world: World,
) -> None:
    """Defence in depth: the tray and the feed caches are fixed up by events after a block;
    until then (or if an event is lost) the readers themselves drop blocked authors. The
    block is recorded on the port here, so no event touches the caches."""
    alice, bob = world.register("alice"), world.register("bob")
    world.follow(bob, alice)
    world.core.stories().create(alice.user_id, world.upload(alice, purpose="story"))
    world.post(alice)
    assert [t.user.username for t in world.core.stories().tray(bob.user_id)] == ["alice"]
    assert feed_authors(world, bob.user_id) == ["alice"]  # both cached now
    world.adapters.restrictions().block(alice.user_id, bob.user_id)
    assert world.core.stories().tray(bob.user_id) == []
    assert feed_authors(world, bob.user_id) == []


@pytest.mark.parametrize("cached", [True, False], ids=["cached-feed", "rebuilt-feed"])
def test_the_feed_drops_a_blocked_author_even_when_the_follow_survived_the_block(
    world: World, monkeypatch: pytest.MonkeyPatch, cached: bool
) -> None:
    """The feed's own block check, on its own: a block ends the follow in the same write,
    but a read that still sees the follow (a lagging replica, a stale store, an edge the
    block missed) must not bring the blocked author's posts back, in either direction."""
    alice, bob, carol = world.register("alice"), world.register("bob"), world.register("carol")
    world.follow(bob, alice)
    world.follow(bob, carol)
    world.post(alice)
    world.post(carol)
    assert sorted(feed_authors(world, bob.user_id)) == ["alice", "carol"]
    graph = world.adapters.graph()
    stale = set(graph.following_ids(bob.user_id))
    monkeypatch.setattr(graph, "following_ids", lambda user_id: stale)
    world.adapters.restrictions().block(alice.user_id, bob.user_id)
    if not cached:
        world.adapters.feeds().drop(bob.user_id)
    assert feed_authors(world, bob.user_id) == ["carol"]
    world.adapters.restrictions().unblock(alice.user_id, bob.user_id)
    world.adapters.restrictions().block(bob.user_id, alice.user_id)
    assert feed_authors(world, bob.user_id) == ["carol"]


def test_search_never_finds_an_account_across_a_block(world: World) -> None:
    alice, bob = world.register("alice"), world.register("alibi")
    carol = world.register("carol")
    world.core.social().block(alice.user_id, "alibi")
    search = world.core.search()
    assert [u.user.username for u in search.search(alice.user_id, "ali").users] == ["alice"]
    assert [u.user.username for u in search.search(bob.user_id, "ali").users] == ["alibi"]
    found = search.search(carol.user_id, "ali").users
    assert {u.user.username for u in found} == {"alice", "alibi"}
    assert [u.user.username for u in search.search(bob.user_id, "ali", limit=1).users] == ["alibi"]


def test_activity_leaves_out_accounts_blocked_with_the_reader(world: World) -> None:
    alice, bob, carol = world.register("alice"), world.register("bob"), world.register("carol")
    post = world.post(alice)
    world.core.engagement().like(bob.user_id, post.post_id)
    world.core.engagement().like(carol.user_id, post.post_id)
    world.core.comments().add(bob.user_id, post.post_id, "only bob says this")
    before = world.core.notifications().activity(alice.user_id, None, 10).items
    assert sorted({a.username for n in before for a in n.actors}) == ["bob", "carol"]
    world.core.social().block(alice.user_id, "bob")
    after = world.core.notifications().activity(alice.user_id, None, 10).items
    assert [[a.username for a in n.actors] for n in after] == [["carol"]]

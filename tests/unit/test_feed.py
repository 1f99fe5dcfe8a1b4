from __future__ import annotations

from collections.abc import Iterable, Sequence

import pytest

from instagram_core.domain.errors import Unavailable
from tests.unit.conftest import World


def feed_ids(world: World, viewer_id: str, limit: int = 50) -> list[int]:
    return [p.post_id for p in world.core.feed().home(viewer_id, None, limit).items]


def test_feed_holds_own_and_followed_posts_newest_first(world: World) -> None:
    alice, bob, carol = world.register("alice"), world.register("bob"), world.register("carol")
    world.follow(bob, alice)
    first = world.post(alice)
    world.clock.advance(1)
    own = world.post(bob)
    world.clock.advance(1)
    world.post(carol)  # not followed
    world.clock.advance(1)
    second = world.post(alice)
    assert feed_ids(world, bob.user_id) == [second.post_id, own.post_id, first.post_id]


def test_follow_brings_recent_posts_and_unfollow_removes_them(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    feed_ids(world, bob.user_id)  # bob's feed is now cached
    old = world.post(alice)
    assert feed_ids(world, bob.user_id) == []
    world.follow(bob, alice)
    assert feed_ids(world, bob.user_id) == [old.post_id]
    world.core.social().unfollow(bob.user_id, "alice")
    assert feed_ids(world, bob.user_id) == []


def test_pending_followers_receive_nothing_until_approved(world: World) -> None:
    alice, bob = world.register("alice", private=True), world.register("bob")
    feed_ids(world, bob.user_id)
    world.follow(bob, alice)
    post = world.post(alice)
    assert feed_ids(world, bob.user_id) == []
    world.core.social().approve(alice.user_id, "bob")
    assert feed_ids(world, bob.user_id) == [post.post_id]


def test_a_lost_feed_is_rebuilt_from_the_graph(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    world.follow(bob, alice)
    posts = [world.post(alice) for _ in range(3)]
    world.adapters.feeds().drop(bob.user_id)
    assert feed_ids(world, bob.user_id) == [p.post_id for p in reversed(posts)]
    assert world.adapters.feeds().page(bob.user_id, None, 10) is not None


def test_feed_pages_do_not_overlap_or_skip(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    world.follow(bob, alice)
    posts = [world.post(alice) for _ in range(7)]
    seen, cursor = [], None
    while True:
        page = world.core.feed().home(bob.user_id, cursor, 3)
        seen += [p.post_id for p in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == [p.post_id for p in reversed(posts)]


class _DownFeedCache:
    marks_changes = False

    def add(self, user_ids: Iterable[str], post_id: int) -> None:
        raise Unavailable("cache down")

    def add_many(self, user_id: str, post_ids: Iterable[int]) -> None:
        raise Unavailable("cache down")

    def remove(self, user_ids: Iterable[str], post_ids: Iterable[int]) -> None:
        raise Unavailable("cache down")

    def page(self, user_id: str, before: int | None, limit: int) -> Sequence[int] | None:
        raise Unavailable("cache down")

    def drop(self, user_id: str) -> None:
        raise Unavailable("cache down")


def test_feed_degrades_to_chronological_when_the_cache_is_down(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    world.follow(bob, alice)
    posts = [world.post(alice) for _ in range(3)]
    world.adapters.feeds.override(_DownFeedCache())
    world.core.ports.reset()  # the use cases are built again over the cache that is down
    world.core.use_cases.reset()
    page = world.core.feed().home(bob.user_id, None, 2)
    assert not page.ranked
    assert [p.post_id for p in page.items] == [posts[2].post_id, posts[1].post_id]
    rest = world.core.feed().home(bob.user_id, page.next_cursor, 2)
    assert [p.post_id for p in rest.items] == [posts[0].post_id]
    assert rest.next_cursor is None


class _DownPostStore:
    """Every read of a stopped post store."""

    def __getattr__(self, name: str) -> object:
        def down(*args: object, **kwargs: object) -> object:
            raise Unavailable("post store down")

        return down


def test_with_the_post_store_down_the_cached_feed_says_what_it_could_not_hydrate(
    world: World,
) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    world.follow(bob, alice)
    posts = [world.post(alice) for _ in range(3)]
    assert len(feed_ids(world, bob.user_id)) == 3  # bob's feed is now cached
    world.adapters.posts.override(_DownPostStore())
    world.core.ports.reset()  # the use cases are built again over the store that is down
    world.core.use_cases.reset()
    page = world.core.feed().home(bob.user_id, None, 2)
    assert (page.items, page.ranked) == ([], False)
    assert page.unhydrated == (posts[2].post_id, posts[1].post_id)
    rest = world.core.feed().home(bob.user_id, page.next_cursor, 2)
    assert rest.unhydrated == (posts[0].post_id,)
    assert rest.next_cursor is None


def test_with_the_post_store_and_the_cache_down_the_feed_is_unavailable(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    world.follow(bob, alice)
    world.post(alice)
    world.adapters.posts.override(_DownPostStore())
    world.adapters.feeds.override(_DownFeedCache())
    world.core.ports.reset()  # the use cases are built again over the stores that are down
    world.core.use_cases.reset()
    with pytest.raises(Unavailable):
        world.core.feed().home(bob.user_id, None, 2)


def test_new_posts_are_counted_since_a_post_or_a_cursor(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    world.follow(bob, alice)
    first = [world.post(alice) for _ in range(3)]
    page = world.core.feed().home(bob.user_id, None, 2)
    assert page.next_cursor is not None
    world.clock.advance(5)
    newer = [world.post(alice) for _ in range(2)]
    assert world.core.feed().count_new(bob.user_id, str(first[-1].post_id)) == 2
    assert world.core.feed().count_new(bob.user_id, page.next_cursor) == 2
    rest = world.core.feed().home(bob.user_id, page.next_cursor, 10)
    assert {p.post_id for p in rest.items}.isdisjoint({p.post_id for p in newer})
    fresh = world.core.feed().home(bob.user_id, None, 10)
    assert [p.post_id for p in fresh.items][:2] == [newer[1].post_id, newer[0].post_id]


def test_a_malformed_or_expired_cursor_is_invalid(world: World) -> None:
    import pytest

    from instagram_core.domain.errors import InvalidInput

    alice = world.register("alice")
    for _ in range(3):
        world.post(alice)
    page = world.core.feed().home(alice.user_id, None, 1)
    assert page.next_cursor is not None
    with pytest.raises(InvalidInput):
        world.core.feed().home(alice.user_id, "garbage", 1)
    world.clock.advance(16 * 60)
    with pytest.raises(InvalidInput, match="expired"):
        world.core.feed().home(alice.user_id, page.next_cursor, 1)


def test_celebrities_are_pulled_on_read_not_pushed() -> None:
    from tests.unit.conftest import new_world

    world = new_world(fanout_celebrity_threshold=2)
    star = world.register("star")
    fans = [world.register(f"fan{i}") for i in range(3)]
    for fan in fans:
        world.follow(fan, star)
        feed_ids(world, fan.user_id)  # every fan's feed is cached, so a push would land
    post = world.post(star)
    for fan in fans:
        assert world.adapters.feeds().page(fan.user_id, None, 10) == []  # nothing pushed
        assert feed_ids(world, fan.user_id) == [post.post_id]  # yet it is in the feed
        assert world.core.feed().count_new(fan.user_id, "1") == 1
    assert feed_ids(world, star.user_id) == [post.post_id]


def test_an_inactive_followers_feed_is_skipped_then_rebuilt_whole(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    world.follow(bob, alice)
    old = world.post(alice)
    assert feed_ids(world, bob.user_id) == [old.post_id]
    world.clock.advance(8 * 86_400)  # bob stays away longer than the 7-day idle time
    new = world.post(alice)
    assert world.adapters.feeds().page(bob.user_id, None, 10) is None  # skipped by fan-out
    assert feed_ids(world, bob.user_id) == [new.post_id, old.post_id]  # rebuilt on return

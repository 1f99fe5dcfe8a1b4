"""Invariants that must hold after any sequence of actions (hypothesis)."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instagram_core.domain.errors import Forbidden, NotFound
from instagram_core.domain.users import User
from tests.unit.conftest import World, new_world

USERS = 4
ACTION = st.tuples(
    st.sampled_from(
        ["follow", "unfollow", "approve", "post", "private", "public", "block", "unblock"]
    ),
    st.integers(0, USERS - 1),
    st.integers(0, USERS - 1),
)
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def fresh_world() -> World:
    return new_world()


def apply(world: World, users: list[User], action: tuple[str, int, int]) -> None:
    verb, a, b = action
    actor, other = users[a], users[b]
    social, accounts = world.core.social(), world.core.accounts()
    if verb == "follow" and a != b:
        with contextlib.suppress(NotFound):  # across a block the other does not exist
            social.follow(actor.user_id, other.username)
    elif verb == "unfollow":
        social.unfollow(actor.user_id, other.username)
    elif verb == "approve" and world.adapters.graph().get(other.user_id, actor.user_id):
        follow = world.adapters.graph().get(other.user_id, actor.user_id)
        if follow is not None and not follow.is_active:
            social.approve(actor.user_id, other.username)
    elif verb == "post":
        world.post(actor)
    elif verb in {"private", "public"}:
        accounts.update_profile(actor.user_id, is_private=verb == "private")
    elif verb == "block" and a != b:
        social.block(actor.user_id, other.username)
    elif verb == "unblock":
        social.unblock(actor.user_id, other.username)
    world.clock.advance(1)


def may_see(world: World, viewer: User, author_id: str) -> bool:
    author = world.adapters.users().get(author_id)
    assert author is not None
    if viewer.user_id == author_id or not author.is_private:
        return True
    follow = world.adapters.graph().get(viewer.user_id, author_id)
    return follow is not None and follow.is_active


def blocked(world: World, viewer: User, author_id: str) -> bool:
    return world.adapters.restrictions().blocked_between(viewer.user_id, author_id)


@FAST
@given(st.lists(ACTION, max_size=25), st.sets(st.integers(0, USERS - 1)))
def test_private_posts_never_reach_a_non_approved_viewer(actions, private) -> None:  # type: ignore[no-untyped-def]
    world = fresh_world()
    users = [world.register(f"user{i}", private=i in private) for i in range(USERS)]
    for action in actions:
        apply(world, users, action)
    posts = world.adapters.posts()
    for viewer in users:
        for item in world.core.feed().home(viewer.user_id, None, 50).items:
            assert may_see(world, viewer, item.author.user_id)
            assert not blocked(world, viewer, item.author.user_id)
            assert item.author.user_id == viewer.user_id or world.adapters.graph().get(
                viewer.user_id, item.author.user_id
            )
        for author in users:
            authored = posts.by_author(author.user_id, None, 100, published_only=True)
            if may_see(world, viewer, author.user_id) and not blocked(
                world, viewer, author.user_id
            ):
                continue
            with pytest.raises((Forbidden, NotFound)):
                world.core.profiles().grid(viewer.user_id, author.username, None, 50)
            for post in authored:
                for read in (
                    lambda p=post, v=viewer: world.core.posts().get(v.user_id, p.post_id),
                    lambda p=post, v=viewer: world.core.comments().thread(
                        v.user_id, p.post_id, None, 10
                    ),
                    lambda p=post, v=viewer: world.core.engagement().like(v.user_id, p.post_id),
                ):
                    with pytest.raises(NotFound, match=r"^post not found$"):
                        read()  # hidden for any reason: as if it did not exist


@FAST
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 5)), max_size=40))
def test_like_count_equals_distinct_likers(steps) -> None:  # type: ignore[no-untyped-def]
    world = fresh_world()
    author = world.register("author")
    fans = [world.register(f"fan{i}") for i in range(6)]
    post = world.post(author)
    likers: set[int] = set()
    for like, fan in steps:
        if like:
            world.core.engagement().like(fans[fan].user_id, post.post_id)
            likers.add(fan)
        else:
            world.core.engagement().unlike(fans[fan].user_id, post.post_id)
            likers.discard(fan)
    view = world.core.posts().get(author.user_id, post.post_id)
    assert view.like_count == len(likers)


@FAST
@given(
    st.integers(1, 12),
    st.lists(st.tuples(st.integers(1, 5), st.integers(0, 2)), min_size=1, max_size=8),
)
def test_feed_paginates_without_gaps_or_duplicates_while_posts_arrive(initial, reads) -> None:  # type: ignore[no-untyped-def]
    world = fresh_world()
    author, reader = world.register("author"), world.register("reader")
    world.follow(reader, author)
    existing = [world.post(author).post_id for _ in range(initial)]
    seen: list[int] = []
    cursor: str | None = None
    for limit, new_posts in reads:
        page = world.core.feed().home(reader.user_id, cursor, limit)
        ids = [p.post_id for p in page.items]
        assert ids == sorted(ids, reverse=True)
        seen += ids
        for _ in range(new_posts):
            world.clock.advance(1)
            world.post(author)
        cursor = page.next_cursor
        if cursor is None:
            break
    expected = sorted(existing, reverse=True)
    assert seen == expected[: len(seen)]
    if cursor is None:
        assert seen == expected


FEED_ACTION = st.tuples(
    st.sampled_from(["follow", "unfollow", "post", "read", "mute", "unmute", "delete"]),
    st.integers(0, USERS - 1),
    st.integers(0, USERS - 1),
)


def fresh_hybrid_world(threshold: int) -> World:
    return new_world(fanout_celebrity_threshold=threshold, ranker="model")


def whole_feed(world: World, viewer: User) -> list[int]:
    seen: list[int] = []
    cursor: str | None = None
    while True:
        page = world.core.feed().home(viewer.user_id, cursor, 3)
        seen += [p.post_id for p in page.items]
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor


@FAST
@given(st.lists(FEED_ACTION, max_size=30), st.integers(0, 3))
def test_every_visible_post_reaches_each_follower_exactly_once(actions, threshold) -> None:  # type: ignore[no-untyped-def]
    world = fresh_hybrid_world(threshold)
    users = [world.register(f"user{i}") for i in range(USERS)]
    social = world.core.social()
    for verb, a, b in actions:
        actor, other = users[a], users[b]
        if verb == "follow" and a != b:
            social.follow(actor.user_id, other.username)
        elif verb == "unfollow":
            social.unfollow(actor.user_id, other.username)
        elif verb == "post":
            world.post(actor)
        elif verb == "read":
            whole_feed(world, actor)
        elif verb == "mute" and a != b:
            social.mute(actor.user_id, other.username)
        elif verb == "unmute":
            social.unmute(actor.user_id, other.username)
        elif verb == "delete":
            mine = world.adapters.posts().by_author(actor.user_id, None, 1, published_only=True)
            if mine:
                world.core.posts().delete(actor.user_id, mine[0].post_id)
        world.clock.advance(1)
    graph, restrictions = world.adapters.graph(), world.adapters.restrictions()
    for viewer in users:
        followed = {*graph.following_ids(viewer.user_id), viewer.user_id}
        shown = followed - restrictions.muted_ids(viewer.user_id)
        expected = {
            p.post_id
            for author in shown
            for p in world.adapters.posts().by_author(author, None, 500, published_only=True)
        }
        feed = whole_feed(world, viewer)
        assert len(feed) == len(set(feed)), "a post appeared twice"
        assert set(feed) == expected

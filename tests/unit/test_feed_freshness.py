"""Cached feed pages: a page is reused only while it is still what a read would show.

The property under test is the safety of the page cache: whenever ``FeedService.is_current``
accepts the stamp of an earlier read, a read now shows exactly the same posts, counts, marks
and authors. Ranking is chronological here, so that a read is a deterministic function of
the state and the equality is exact; the clock advances between steps."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from instagram_core.domain.errors import DomainError
from instagram_core.domain.users import User
from instagram_core.services.feed import FeedPage, FeedService
from instagram_core.services.freshness import ReadStamp
from instagram_core.services.views import PostView
from tests.unit.conftest import World, new_world

USERS = 3
PAGE = 2
VERBS = [
    "follow",
    "unfollow",
    "approve",
    "post",
    "delete",
    "like",
    "unlike",
    "save",
    "unsave",
    "comment",
    "block",
    "unblock",
    "mute",
    "unmute",
    "private",
    "public",
    "rename",
]
STEP = st.tuples(st.sampled_from(VERBS), st.integers(0, USERS - 1), st.integers(0, USERS - 1))
Remembered = tuple[str | None, ReadStamp, tuple[list[tuple[object, ...]], bool]]


def shown(view: PostView) -> tuple[object, ...]:
    """What a client sees of a post, but its signed URLs (they move with the clock)."""
    author = view.author
    return (
        view.post_id,
        view.caption,
        view.like_count,
        view.comment_count,
        view.liked_by_viewer,
        view.saved_by_viewer,
        (author.username, author.display_name, author.is_private),
    )


def page_of(page: FeedPage) -> tuple[list[tuple[object, ...]], bool]:
    return [shown(v) for v in page.items], page.next_cursor is not None


def newest_post(world: World, user: User) -> int | None:
    mine = world.adapters.posts().by_author(user.user_id, None, 1, published_only=True)
    return mine[0].post_id if mine else None


def some_visible_post(world: World, viewer: User, pick: int) -> int | None:
    page = world.core.feed().home(viewer.user_id, None, 10)
    return page.items[pick % len(page.items)].post_id if page.items else None


def act(world: World, users: list[User], verb: str, a: int, b: int) -> None:
    actor, other = users[a], users[b]
    core = world.core
    social, engagement, accounts = core.social(), core.engagement(), core.accounts()
    name = other.username
    on_post: dict[str, Callable[[int], object]] = {
        "like": lambda post: engagement.like(actor.user_id, post),
        "unlike": lambda post: engagement.unlike(actor.user_id, post),
        "save": lambda post: engagement.save(actor.user_id, post),
        "unsave": lambda post: engagement.unsave(actor.user_id, post),
        "comment": lambda post: core.comments().add(actor.user_id, post, "nice"),
    }
    on_user: dict[str, Callable[[], object]] = {
        "follow": lambda: social.follow(actor.user_id, name),
        "unfollow": lambda: social.unfollow(actor.user_id, name),
        "approve": lambda: social.approve(actor.user_id, name),
        "block": lambda: social.block(actor.user_id, name),
        "unblock": lambda: social.unblock(actor.user_id, name),
        "mute": lambda: social.mute(actor.user_id, name),
        "unmute": lambda: social.unmute(actor.user_id, name),
        "post": lambda: world.post(actor, caption=f"by {actor.username}"),
        "private": lambda: accounts.update_profile(actor.user_id, is_private=True),
        "public": lambda: accounts.update_profile(actor.user_id, is_private=False),
        "rename": lambda: accounts.update_profile(actor.user_id, display_name=name + "!"),
    }
    with contextlib.suppress(DomainError):  # refusals (blocked, self-follow...) change nothing
        if verb == "delete":
            if (mine := newest_post(world, actor)) is not None:
                core.posts().delete(actor.user_id, mine)
        elif verb in on_post:
            if (target := some_visible_post(world, actor, b)) is not None:
                on_post[verb](target)
        else:
            on_user[verb]()


def read_pages(feed: FeedService, viewer_id: str) -> list[Remembered]:
    """The first two pages as the viewer sees them now, with their stamps."""
    first = feed.home(viewer_id, None, PAGE)
    kept = [(None, first.stamp, page_of(first))] if first.stamp else []
    if first.next_cursor:
        second = feed.home(viewer_id, first.next_cursor, PAGE)
        if second.stamp:
            kept.append((first.next_cursor, second.stamp, page_of(second)))
    return kept


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(STEP, min_size=1, max_size=20), threshold=st.integers(0, 3))
def test_a_page_judged_current_is_exactly_what_a_read_shows_now(
    steps: list[tuple[str, int, int]], threshold: int
) -> None:
    """After every step, every page every user read before it is checked: each one the
    versions call current must be exactly what a read shows now."""
    world = new_world(fanout_celebrity_threshold=threshold)
    users = [world.register(f"user{i}") for i in range(USERS)]
    for author in users:  # everyone follows everyone and has posted: every step matters
        for follower in users:
            if follower is not author:
                world.follow(follower, author)
        world.post(author, caption=f"by {author.username}")
    feed = world.core.feed()
    remembered = {user.user_id: read_pages(feed, user.user_id) for user in users}
    for verb, a, b in steps:
        act(world, users, verb, a, b)
        world.clock.advance(1)
        for viewer_id, pages in remembered.items():
            for cursor, stamp, seen in pages:
                current = feed.is_current(stamp)
                event(f"a page read before {verb!r} judged current: {current}")
                if current:
                    assert page_of(feed.home(viewer_id, cursor, PAGE)) == seen, (verb, cursor)
        remembered = {user.user_id: read_pages(feed, user.user_id) for user in users}


def test_a_like_by_the_viewer_makes_the_page_stale(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    world.follow(bob, alice)
    post = world.post(alice)
    feed = world.core.feed()
    stamp = feed.home(bob.user_id, None, 10).stamp
    assert stamp is not None
    assert feed.is_current(stamp)
    world.core.engagement().like(bob.user_id, post.post_id)
    assert not feed.is_current(stamp)
    fresh = feed.home(bob.user_id, None, 10)
    assert fresh.items[0].liked_by_viewer
    assert fresh.items[0].like_count == 1


def test_a_new_post_pushed_to_the_feed_makes_the_page_stale(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    world.follow(bob, alice)
    world.post(alice)
    stamp = world.core.feed().home(bob.user_id, None, 10).stamp
    assert stamp is not None
    world.post(alice)
    assert not world.core.feed().is_current(stamp)


def test_a_celebritys_new_post_makes_the_page_stale() -> None:
    world = new_world(fanout_celebrity_threshold=1)  # two followers: pulled, never pushed
    star, bob, carol = world.register("star"), world.register("bob"), world.register("carol")
    world.follow(bob, star)
    world.follow(carol, star)
    world.post(star)
    feed = world.core.feed()
    stamp = feed.home(bob.user_id, None, 10).stamp
    assert stamp is not None
    assert feed.is_current(stamp)
    world.post(star)
    assert not feed.is_current(stamp)
    assert len(feed.home(bob.user_id, None, 10).items) == 2


def test_the_degraded_feed_is_never_stamped(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    world.follow(bob, alice)
    world.post(alice)
    page = world.core.feed().home(bob.user_id, None, 10)
    assert page.stamp is not None
    chronological = world.core.feed().home(bob.user_id, f"c.{page.items[0].post_id + 1}", 10)
    assert not chronological.ranked
    assert chronological.stamp is None

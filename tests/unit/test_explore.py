"""Explore on small hand-built graphs where the right answer is plain, its paging and
errors, the offline build, and a property: Explore never shows the viewer's own, followed,
seen, private, blocked or deleted posts, nor two posts of one creator on a page, whatever
follows, blocks, privacy flips and deletions happened first."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

import pytest
from dependency_injector import providers
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from instagram_core.domain.errors import DomainError, InvalidInput, MalformedCursor
from instagram_core.domain.posts import Post
from instagram_core.domain.users import User
from instagram_core.policies.explore import NOVELTY_EVERY
from instagram_core.services.explore import SAVE_WEIGHT
from instagram_core.services.explore_build import BuildReport
from instagram_entrypoints.containers import memory_container
from tests.unit.conftest import START, World, unit_settings


class SameScore:
    """A ranker with no opinion: the order is then retrieval strength alone."""

    def score(self, viewer_id: str, candidates: Sequence[Post]) -> Sequence[float]:
        return [1.0] * len(candidates)


def flat_world() -> World:
    container = memory_container(START, unit_settings())
    container.adapters.ranker.override(providers.Object(SameScore()))
    container.init_resources()
    return World(container)


@pytest.fixture
def w() -> Iterator[World]:
    world = flat_world()
    yield world
    world.c.shutdown_resources()


def like(world: World, user: User, post: Post) -> None:
    world.core.engagement().like(user.user_id, post.post_id)


def build(world: World, full: bool = False) -> BuildReport:
    report: BuildReport = world.core.explore_builder().build(full=full)
    return report


def explore(world: World, viewer: User, limit: int = 50) -> list[int]:
    return [v.post_id for v in world.core.explore().page(viewer.user_id, None, limit).items]


def people(world: World, *names: str) -> list[User]:
    return [world.register(name) for name in names]


def test_a_new_account_gets_trending_posts_by_engagement_velocity(w: World) -> None:
    ann, bob, fan1, fan2, fan3 = people(w, "ann", "bob", "fan1", "fan2", "fan3")
    old = w.post(ann, "old but once loved")
    for fan in (fan1, fan2, fan3):
        like(w, fan, old)
    w.clock.advance(3 * 3600)  # three half-lives later: 3 likes weigh 3/8
    new = w.post(bob, "new")
    like(w, fan1, new)
    build(w)
    newcomer = w.register("newcomer")
    assert explore(w, newcomer) == [new.post_id, old.post_id]


def test_collaborative_filtering_finds_what_people_with_the_same_taste_liked(w: World) -> None:
    viewer, x, y, z = people(w, "viewer", "x", "y", "z")
    u1, u2, u3, u4, u5 = people(w, "u1", "u2", "u3", "u4", "u5")
    seed, alike, popular = w.post(x, "seed"), w.post(y, "alike"), w.post(z, "popular")
    for u in (u1, u2):
        like(w, u, seed)
        like(w, u, alike)
    for u in (u3, u4, u5):
        like(w, u, popular)  # more likes than ``alike``, by people unlike the viewer
    like(w, viewer, seed)
    build(w)
    assert explore(w, viewer) == [alike.post_id, popular.post_id]  # seed: already liked


def save(world: World, user: User, post: Post) -> None:
    world.core.engagement().save(user.user_id, post.post_id)


def unsave(world: World, user: User, post: Post) -> None:
    world.core.engagement().unsave(user.user_id, post.post_id)


def test_saves_are_a_taste_signal_and_an_unsave_takes_its_save_back(w: World) -> None:
    """The same graph as above with saves: ``alike`` is saved with ``seed`` by two people,
    ``dropped`` too but then unsaved, which leaves it nothing: no neighbour, no trend."""
    viewer, x, y, z = people(w, "viewer", "x", "y", "z")
    u1, u2 = people(w, "u1", "u2")
    seed, alike, dropped = w.post(x, "seed"), w.post(y, "alike"), w.post(z, "dropped")
    for u in (u1, u2):
        for post in (seed, alike, dropped):
            save(w, u, post)
        unsave(w, u, dropped)
        unsave(w, u, dropped)  # a second unsave changes nothing, logs nothing
    save(w, viewer, seed)
    build(w)
    assert explore(w, viewer) == [alike.post_id]  # seed: already saved

    def logged() -> list[float]:
        return [e.weight for e in w.adapters.explore().window(START) if e.user_id == u1.user_id]

    assert sorted(logged()) == [-SAVE_WEIGHT, SAVE_WEIGHT, SAVE_WEIGHT, SAVE_WEIGHT]
    w.clock.advance(60)
    save(w, u1, dropped)  # saved again: a new act, logged again
    assert logged()[-1] == SAVE_WEIGHT
    assert len(logged()) == 5


def test_interest_topics_bring_posts_of_the_viewer_s_hashtags(w: World) -> None:
    viewer, x, cat_person, dog_person = people(w, "viewer", "x", "catperson", "dogperson")
    liked = w.post(x, "my #cats")
    cats = w.post(cat_person, "more #cats")
    w.post(dog_person, "some #dogs")
    like(w, viewer, liked)
    assert explore(w, viewer) == [cats.post_id]  # no build needed: the index is live


def test_social_proximity_brings_what_followed_accounts_liked(w: World) -> None:
    viewer, friend, stranger = people(w, "viewer", "friend", "stranger")
    found = w.post(stranger, "found by a friend")
    w.post(friend, "the friend's own post is in the home feed, not here")
    w.follow(viewer, friend)
    like(w, friend, found)
    assert explore(w, viewer) == [found.post_id]


def test_one_post_per_creator_whatever_the_scores(w: World) -> None:
    prolific, other, fan = people(w, "prolific", "other", "fan")
    theirs = [w.post(prolific, f"post {n}") for n in range(3)]
    mine = w.post(other, "one")
    for post in (*theirs, mine):
        like(w, fan, post)
    for post in theirs:
        like(w, w.register(f"extra{post.post_id}"), post)
    build(w)
    page = explore(w, w.register("viewer"))
    assert len(page) == 2
    assert page[1] == mine.post_id
    assert page[0] in {p.post_id for p in theirs}


def test_every_fifth_slot_goes_to_a_topic_new_to_the_viewer(w: World) -> None:
    viewer, x = people(w, "viewer", "x")
    like(w, viewer, w.post(x, "#cats"))
    cats = [w.post(w.register(f"cat{n}"), "#cats again") for n in range(6)]
    dogs = w.post(w.register("dog"), "#dogs")
    ranked = [(p.post_id, 10.0 - n) for n, p in enumerate(cats)] + [(dogs.post_id, 0.1)]
    w.adapters.explore().put_trending(ranked)
    page = explore(w, viewer)
    assert page[NOVELTY_EVERY - 1] == dogs.post_id
    assert [p for p in page if p != dogs.post_id][:4] == [p.post_id for p in cats[:4]]


def test_pages_continue_one_ranked_order_and_seen_posts_do_not_come_back(w: World) -> None:
    fan = w.register("fan")
    posts = [w.post(w.register(f"a{n}"), f"post {n}") for n in range(5)]
    for n, post in enumerate(posts):
        for k in range(n + 1):  # the last post is the most liked
            like(w, fan if k == 0 else w.register(f"l{n}_{k}"), post)
    build(w)
    viewer = w.register("viewer")
    service = w.core.explore()
    first = service.page(viewer.user_id, None, 2)
    late = w.post(w.register("late"), "arrives between pages")
    for k in range(9):
        like(w, w.register(f"late_fan{k}"), late)
    build(w, full=True)
    second = service.page(viewer.user_id, first.next_cursor, 2)
    third = service.page(viewer.user_id, second.next_cursor, 2)
    shown = [v.post_id for page in (first, second, third) for v in page.items]
    assert shown == [p.post_id for p in reversed(posts)]
    assert third.next_cursor is None
    # A new session: all five were seen; only the late post is left.
    assert explore(w, viewer) == [late.post_id]
    w.clock.advance(8 * 86_400)  # seen marks last a week
    assert set(explore(w, viewer)) == {late.post_id, *(p.post_id for p in posts)}


def test_a_block_or_follow_between_pages_takes_effect_on_the_next_page(w: World) -> None:
    fan = w.register("fan")
    authors = people(w, "a0", "a1", "a2")
    posts = [w.post(a, "post") for a in authors]
    for post in posts:
        like(w, fan, post)
    build(w)
    viewer = w.register("viewer")
    first = w.core.explore().page(viewer.user_id, None, 1)
    shown_author = first.items[0].author.username
    rest = [a for a in authors if a.username != shown_author]
    w.core.social().block(viewer.user_id, rest[0].username)
    w.follow(viewer, rest[1])
    second = w.core.explore().page(viewer.user_id, first.next_cursor, 1)
    assert second.items == []
    assert second.next_cursor is None


def test_bad_limits_and_cursors_are_refused(w: World) -> None:
    viewer = w.register("viewer")
    service = w.core.explore()
    for limit in (0, 51):
        with pytest.raises(InvalidInput):
            service.page(viewer.user_id, None, limit)
    for cursor in ("nonsense", "x.abc.1", "x.1.-1", "r.1.1", "x.1.1.1"):
        with pytest.raises(MalformedCursor):
            service.page(viewer.user_id, cursor, 10)
    with pytest.raises(InvalidInput, match="expired"):
        service.page(viewer.user_id, "x.123.1", 10)


def test_an_expired_session_asks_for_a_fresh_start(w: World) -> None:
    fan = w.register("fan")
    for n in range(3):
        like(w, fan, w.post(w.register(f"a{n}"), "post"))
    build(w)
    viewer = w.register("viewer")
    first = w.core.explore().page(viewer.user_id, None, 1)
    assert first.next_cursor is not None
    w.clock.advance(16 * 60)
    with pytest.raises(InvalidInput, match="expired"):
        w.core.explore().page(viewer.user_id, first.next_cursor, 1)


def test_a_build_recomputes_only_what_was_engaged_with_since_the_last(w: World) -> None:
    a, b, u1, u2 = people(w, "a", "b", "u1", "u2")
    p1, p2, p3 = w.post(a, "1"), w.post(b, "2"), w.post(a, "3")
    like(w, u1, p1)
    like(w, u1, p2)
    w.clock.advance(120)  # past the overlap a build reads again
    first = build(w)
    assert (first.full, first.updated, first.engagements) == (True, 2, 2)
    store = w.adapters.explore()
    assert [n for n, _ in store.neighbours([p1.post_id], 5)[p1.post_id]] == [p2.post_id]
    w.clock.advance(600)
    like(w, u2, p3)
    like(w, u2, p1)
    second = build(w)
    assert (second.full, second.updated) == (False, 2)  # p1 and p3, not p2
    assert {n for n, _ in store.neighbours([p1.post_id], 5)[p1.post_id]} == {
        p2.post_id,
        p3.post_id,
    }
    assert build(w, full=True).updated == 3


def test_build_if_due_waits_for_the_interval(w: World) -> None:
    builder = w.core.explore_builder()
    assert builder.build_if_due() is not None  # the first build is always due
    assert builder.build_if_due() is None
    w.clock.advance(5 * 60)
    assert builder.build_if_due() is not None


def test_a_deleted_post_leaves_every_explore_list(w: World) -> None:
    a, b, u1 = people(w, "a", "b", "u1")
    p1, p2 = w.post(a, "1"), w.post(b, "2")
    like(w, u1, p1)
    like(w, u1, p2)
    build(w)
    w.core.posts().delete(b.user_id, p2.post_id)
    store = w.adapters.explore()
    assert p2.post_id not in dict(store.trending(10))
    assert store.neighbours([p1.post_id], 5) == {}
    assert explore(w, w.register("viewer")) == [p1.post_id]


# -- the property ---------------------------------------------------------------------------

PEOPLE = ["ada", "bea", "cyd", "dan", "eve"]
actions = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "follow",
                "approve",
                "unfollow",
                "block",
                "unblock",
                "private",
                "public",
                "post",
                "delete",
                "like",
                "explore",
                "build",
            ]
        ),
        st.sampled_from(PEOPLE),
        st.sampled_from(PEOPLE),
    ),
    max_size=30,
)


def _apply(world: World, action: str, actor: str, other: str, posts: dict[str, list[int]]) -> None:
    users = world.adapters.users()
    me = users.by_username(actor)
    social, accounts = world.core.social(), world.core.accounts()
    steps = {
        "follow": lambda: social.follow(me.user_id, other),
        "approve": lambda: social.approve(me.user_id, other),
        "unfollow": lambda: social.unfollow(me.user_id, other),
        "block": lambda: social.block(me.user_id, other),
        "unblock": lambda: social.unblock(me.user_id, other),
        "private": lambda: accounts.update_profile(me.user_id, is_private=True),
        "public": lambda: accounts.update_profile(me.user_id, is_private=False),
        "build": lambda: world.core.explore_builder().build(),
        "explore": lambda: world.core.explore().page(me.user_id, None, 2),
    }
    with contextlib.suppress(DomainError):  # refused moves (self-follow, across a block...)
        if action == "post":
            posts[actor].append(world.post(me, "#tag").post_id)
        elif action == "delete" and posts[actor]:
            world.core.posts().delete(me.user_id, posts[actor].pop(0))
        elif action == "like" and posts[other]:
            world.core.engagement().like(me.user_id, posts[other][-1])
        elif action in steps:
            steps[action]()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=actions, limit=st.integers(1, 4))
def test_explore_never_shows_what_it_must_not(
    actions: list[tuple[str, str, str]], limit: int
) -> None:
    world = flat_world()
    try:
        users = world.adapters.users()
        for person in PEOPLE:
            world.register(person)
        posts: dict[str, list[int]] = {p: [] for p in PEOPLE}
        for person in PEOPLE:
            posts[person].append(world.post(users.by_username(person), "#tag").post_id)
        for action, actor, other in actions:
            _apply(world, action, actor, other, posts)
        world.core.explore_builder().build()
        store, graph = world.adapters.explore(), world.adapters.graph()
        restrictions = world.adapters.restrictions()
        for viewer_name in PEOPLE:
            viewer = users.by_username(viewer_name)
            seen_before = store.seen_since(viewer.user_id, START)
            cursor: str | None = None
            shown: list[int] = []
            while True:
                page = world.core.explore().page(viewer.user_id, cursor, limit)
                creators = [v.author.user_id for v in page.items]
                assert len(creators) == len(set(creators))  # one post per creator a page
                following = set(graph.following_ids(viewer.user_id))
                hidden = restrictions.blocked_ids(viewer.user_id)
                for view in page.items:
                    post = world.adapters.posts().get(view.post_id)
                    author = users.get(view.author.user_id)
                    assert post is not None
                    assert post.is_published
                    assert author is not None
                    assert not author.is_private
                    assert author.user_id != viewer.user_id
                    assert author.user_id not in following
                    assert author.user_id not in hidden
                    assert view.post_id not in seen_before
                shown += [v.post_id for v in page.items]
                cursor = page.next_cursor
                if cursor is None:
                    break
                # Between pages, the world moves: the next page must still obey.
                if actions:
                    _apply(world, *actions[len(shown) % len(actions)], posts)
            assert len(shown) == len(set(shown))
            event(f"posts shown to one viewer: {min(len(shown), 3)}+")
    finally:
        world.c.shutdown_resources()

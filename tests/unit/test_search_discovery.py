"""Search ranking on small hand-built graphs, and a property: search, hashtag pages and place
pages never show what the viewer may not see, whatever follows, blocks, privacy flips and
deletions happened first."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instagram_core.domain.errors import DomainError
from instagram_core.domain.posts import Location
from instagram_core.policies.places import place_id
from instagram_core.services.discovery import PostOrder
from instagram_core.services.search import SearchType
from tests.unit.conftest import World, new_world


def names(world: World, viewer: str, query: str, **kw: object) -> list[str]:
    viewer_id = world.adapters.users().by_username(viewer).user_id
    found = world.core.search().search(viewer_id, query, **kw)
    return [hit.user.username for hit in found.users]


def test_an_exact_username_beats_verified_and_popular_prefix_matches(world: World) -> None:
    viewer = world.register("viewer")
    world.register("sam")
    star = world.register("samantha")
    world.core.accounts().set_verified("samantha", True)
    for n in range(20):
        world.follow(world.register(f"fan{n}"), star)
    assert names(world, "viewer", "sam") == ["sam", "samantha"]
    assert names(world, "viewer", "SAM", kind=SearchType.USERS) == ["sam", "samantha"]
    del viewer


def test_verified_then_followers_order_prefix_matches(world: World) -> None:
    world.register("viewer")
    world.register("joe_a")
    popular = world.register("joe_b")
    world.register("joe_c")
    world.core.accounts().set_verified("joe_c", True)
    for n in range(50):  # log10(51) = 1.7 < the verified bonus of 5
        world.follow(world.register(f"f{n}"), popular)
    assert names(world, "viewer", "joe") == ["joe_c", "joe_b", "joe_a"]


def test_mutuals_lift_an_account_the_viewer_s_friends_follow(world: World) -> None:
    viewer = world.register("viewer")
    friends = [world.register(f"friend{n}") for n in range(3)]
    world.register("kim_a")
    kim_b = world.register("kim_b")
    for friend in friends:
        world.follow(viewer, friend)
        world.follow(friend, kim_b)
    stranger = world.register("stranger")
    world.follow(stranger, world.adapters.users().by_username("kim_a"))  # not a mutual
    # kim_a has 1 follower (+0.3); kim_b 3 followers (+0.6) and 3 mutuals (+4)
    found = world.core.search().search(viewer.user_id, "kim").users
    assert [(u.user.username, u.mutual_count, u.follower_count) for u in found] == [
        ("kim_b", 3, 3),
        ("kim_a", 0, 1),
    ]


def test_the_viewer_s_own_affinity_lifts_an_account(world: World) -> None:
    viewer = world.register("viewer")
    world.register("lee_a")
    liked = world.register("lee_b")
    post = world.post(liked, "hello")
    world.core.engagement().like(viewer.user_id, post.post_id)
    assert names(world, "viewer", "lee") == ["lee_b", "lee_a"]
    assert names(world, "lee_a", "lee") == ["lee_a", "lee_b"]  # exact first, for anyone


def test_a_typo_never_outranks_a_prefix_match(world: World) -> None:
    world.register("viewer")
    world.register("maria_b")
    typo = world.register("marja")
    world.core.accounts().set_verified("marja", True)
    for n in range(30):
        world.follow(world.register(f"m{n}"), typo)
    assert names(world, "viewer", "maria") == ["maria_b", "marja"]


def test_hashtags_rank_by_visible_count_plus_trending_velocity(world: World) -> None:
    viewer = world.register("viewer")
    author = world.register("author")
    for _ in range(3):
        world.post(author, "#foodie")
    world.clock.advance(48 * 3600)  # foodie's uses are no longer trending
    for _ in range(2):
        world.post(author, "#food")
    found = world.core.search().search(viewer.user_id, "#foo").hashtags
    # food: 2 + 10 x ~2 (just used twice) beats foodie's 3 + 0
    assert [(h.tag, h.post_count) for h in found] == [("food", 2), ("foodie", 3)]


# -- the property ---------------------------------------------------------------------------

PEOPLE = ["ada", "bea", "cyd", "dan"]
CAFE = Location(48.2104, 16.3655, "Cafe")
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
            ]
        ),
        st.sampled_from(PEOPLE),
        st.sampled_from(PEOPLE),
    ),
    max_size=25,
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
    }
    with contextlib.suppress(DomainError):  # refused moves (self-follow, across a block...)
        if action == "post":
            posts[actor].append(world.post(me, "#tag", location=CAFE).post_id)
        elif action == "delete" and posts[actor]:
            world.core.posts().delete(me.user_id, posts[actor].pop(0))
        elif action in steps:
            steps[action]()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=actions)
def test_discovery_never_shows_what_the_viewer_may_not_see(
    actions: list[tuple[str, str, str]],
) -> None:
    world = new_world()
    try:
        for person in PEOPLE:
            world.register(person)
        posts: dict[str, list[int]] = {p: [] for p in PEOPLE}
        for person in PEOPLE:
            posts[person].append(
                world.post(
                    world.adapters.users().by_username(person), "#tag", location=CAFE
                ).post_id
            )
        for action, actor, other in actions:
            _apply(world, action, actor, other, posts)
        users, gate = world.adapters.users(), world.core.gate()
        discovery, search = world.core.discovery(), world.core.search()
        every_post = [p for ids in posts.values() for p in ids]
        for viewer_name in PEOPLE:
            viewer = users.by_username(viewer_name)
            allowed = set()
            for post_id in every_post:
                post = world.adapters.posts().get(post_id)
                author = users.get(post.author_id)
                with contextlib.suppress(DomainError):
                    gate.require_post(viewer.user_id, post, author)
                    allowed.add(post_id)
            blocked = gate.blocked_ids(viewer.user_id)
            found = search.search(viewer.user_id, "a", limit=50, kind=SearchType.USERS).users
            assert not {u.user.user_id for u in found} & blocked
            tags = search.search(viewer.user_id, "#tag").hashtags
            assert [(h.tag, h.post_count) for h in tags] == (
                [("tag", len(allowed))] if allowed else []
            )
            for order in PostOrder:
                page = discovery.hashtag_posts(viewer.user_id, "tag", order, None, 50)
                assert {v.post_id for v in page.items} == allowed
            place = place_id(CAFE.name, CAFE.lat, CAFE.lng)
            if allowed:
                assert discovery.place(viewer.user_id, place).post_count == len(allowed)
                shown = discovery.place_posts(viewer.user_id, place, None, 50).items
                assert [v.post_id for v in shown] == sorted(allowed, reverse=True)
            else:
                with pytest.raises(DomainError):
                    discovery.place(viewer.user_id, place)
            near = discovery.nearby(viewer.user_id, CAFE.lat, CAFE.lng, 1.0, 10)
            assert [n.post_count for n in near] == ([len(allowed)] if allowed else [])
    finally:
        world.c.shutdown_resources()

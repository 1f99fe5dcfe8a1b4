"""The issue's invariants of notifications, over random sequences (ManualClock, no sleeping):
``actor_count`` is the number of distinct actors whatever likes, unlikes and redeliveries
came before; no device gets two pushes for one post and kind within five minutes; and the
unread count is the number of unread items the list shows."""

from __future__ import annotations

import itertools
from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instagram_core.domain.errors import NotFound
from instagram_core.domain.events import CommentAdded, PostLiked
from instagram_core.domain.users import User
from instagram_core.policies.rate_limits import PUSHES_PER_POST
from tests.unit.conftest import World, new_world

PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
FANS = 6


def fans(world: World) -> list[User]:
    return [world.register(f"fan{i}") for i in range(FANS)]


# (fan, what): like, unlike, or a redelivery of that fan's last PostLiked
LIKE_STEPS = st.lists(
    st.tuples(st.integers(0, FANS - 1), st.sampled_from(["like", "unlike", "redeliver"])),
    max_size=30,
)


@PROPERTY
@given(steps=LIKE_STEPS)
def test_actor_count_is_the_number_of_distinct_likers(steps: list[tuple[int, str]]) -> None:
    world = new_world()
    alice = world.register("alice")
    people = fans(world)
    post = world.post(alice)
    engagement, notifications = world.core.engagement(), world.core.notifications()
    likers: set[str] = set()
    for index, what in steps:
        fan = people[index]
        world.clock.advance(7)
        if what == "like":
            engagement.like(fan.user_id, post.post_id)
            likers.add(fan.user_id)
        elif what == "unlike":
            engagement.unlike(fan.user_id, post.post_id)
        elif fan.user_id in likers:  # the bus delivers the same event again
            notifications.on_post_liked(PostLiked(post.post_id, fan.user_id, alice.user_id))
    items = notifications.activity(alice.user_id, None, 50).items
    if not likers:
        assert items == []
        return
    assert len(items) == 1
    assert items[0].actor_count == len(likers)
    assert {a.user_id for a in items[0].actors} <= likers
    assert len(items[0].actors) == min(3, len(likers))
    world.c.shutdown_resources()


PUSH_STEPS = st.lists(
    st.tuples(
        st.integers(0, FANS - 1),
        st.sampled_from(["like", "comment"]),
        st.integers(0, 1),  # which post
        st.integers(0, 400),  # seconds before the step
    ),
    max_size=25,
)


@PROPERTY
@given(steps=PUSH_STEPS)
def test_no_device_gets_two_pushes_for_a_post_and_kind_within_five_minutes(
    steps: list[tuple[int, str, int, int]],
) -> None:
    world = new_world()
    alice = world.register("alice")
    devices = [
        world.core.push_devices().register(alice.user_id, "fcm", token="phone"),
        world.core.push_devices().register(alice.user_id, "webhook", url="https://hook.test/a"),
    ]
    people = fans(world)
    posts = [world.post(alice), world.post(alice)]
    gateway = world.adapters.push()
    pushed_at: dict[tuple[int, int | None, str], list[float]] = defaultdict(list)
    acted: set[tuple[int, str]] = set()
    for index, kind, which, wait in steps:
        world.clock.advance(wait)
        post_id = posts[which].post_id
        before = len(gateway.deliveries(alice.user_id))
        if kind == "like":
            world.core.engagement().like(people[index].user_id, post_id)
        else:
            world.core.comments().add(people[index].user_id, post_id, "nice")
        now = world.clock.now().timestamp()
        for device, message in gateway.deliveries(alice.user_id)[before:]:
            pushed_at[(device.device_id, message.post_id, message.kind)].append(now)
        acted.add((post_id, kind))
    for times in pushed_at.values():
        gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
        assert all(gap >= PUSHES_PER_POST.window_seconds for gap in gaps), times
    for post_id, kind in acted:  # and the first action of each post and kind did push
        for device in devices:
            assert pushed_at[(device.device_id, post_id, kind)], (post_id, kind)
    world.c.shutdown_resources()


UNREAD_STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("like"), st.integers(0, FANS - 1), st.integers(0, 1)),
        st.tuples(st.just("follow"), st.integers(0, FANS - 1), st.just(0)),
        st.tuples(st.just("comment"), st.integers(0, FANS - 1), st.integers(0, 1)),
        st.tuples(st.just("read_all"), st.just(0), st.just(0)),
        st.tuples(st.just("read_up_to"), st.integers(0, 10), st.just(0)),
        st.tuples(st.just("block"), st.integers(0, FANS - 1), st.just(0)),
        st.tuples(st.just("unblock"), st.integers(0, FANS - 1), st.just(0)),
        st.tuples(st.just("wait_a_day"), st.just(0), st.just(0)),
    ),
    max_size=30,
)


@PROPERTY
@given(steps=UNREAD_STEPS)
def test_the_unread_count_is_the_number_of_unread_items_listed(
    steps: list[tuple[str, int, int]],
) -> None:
    world = new_world()
    alice = world.register("alice")
    people = fans(world)
    posts = [world.post(alice), world.post(alice)]
    notifications, social = world.core.notifications(), world.core.social()
    for what, index, which in steps:
        world.clock.advance(60)
        fan = people[index % FANS]
        try:
            if what == "like":
                world.core.engagement().like(fan.user_id, posts[which].post_id)
            elif what == "comment":
                world.core.comments().add(fan.user_id, posts[which].post_id, "hello")
            elif what == "follow":
                world.follow(fan, alice)
            elif what == "read_all":
                notifications.mark_read(alice.user_id)
            elif what == "read_up_to":
                listed = notifications.activity(alice.user_id, None, 50).items
                if listed:
                    chosen = listed[index % len(listed)].notification.notification_id
                    notifications.mark_read(alice.user_id, str(chosen))
            elif what == "block":
                social.block(alice.user_id, fan.username)
            elif what == "unblock":
                social.unblock(alice.user_id, fan.username)
            else:
                world.clock.advance(86_400)
        except NotFound:
            continue  # a blocked fan cannot see the post or the account
        listed = notifications.activity(alice.user_id, None, 50).items
        assert notifications.unread_count(alice.user_id) == sum(1 for v in listed if not v.read)
        hidden = world.core.gate().blocked_ids(alice.user_id)
        for view in listed:
            assert not {a.user_id for a in view.actors} & hidden
            assert view.actor_count >= max(1, len(view.actors))
    world.c.shutdown_resources()


def test_a_redelivered_comment_changes_nothing_and_a_second_comment_moves_the_group(
    world: World,
) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    post = world.post(alice)
    other = world.post(alice)
    world.core.comments().add(bob.user_id, post.post_id, "first")
    world.clock.advance(5)
    world.core.engagement().like(bob.user_id, other.post_id)
    service = world.core.notifications()
    first = service.activity(alice.user_id, None, 10).items
    assert [str(v.notification.kind) for v in first] == ["like", "comment"]
    comment_id = first[1].notification.comment_id
    assert comment_id is not None
    service.on_comment_added(CommentAdded(comment_id, post.post_id, bob.user_id, alice.user_id))
    assert service.activity(alice.user_id, None, 10).items == first
    world.clock.advance(5)
    world.core.comments().add(bob.user_id, post.post_id, "second")
    again = service.activity(alice.user_id, None, 10).items
    assert [str(v.notification.kind) for v in again] == ["comment", "like"]
    assert again[0].actor_count == 1  # one distinct commenter


ORDER_FANS = 5


@PROPERTY
@given(order=st.permutations(range(ORDER_FANS)), again=st.lists(st.integers(0, ORDER_FANS - 1)))
def test_actors_list_newest_first_whatever_order_their_likes_are_handled_in(
    order: list[int], again: list[int]
) -> None:
    """Likes made a second apart, each handled (and some handled again) in any order: the
    actors are the newest three, newest first, and ``actor_count`` the distinct likers."""
    world = new_world()
    alice = world.register("alice")
    people = fans(world)[:ORDER_FANS]
    post = world.post(alice)
    notifications = world.core.notifications()
    liked = []
    for fan in people:
        world.clock.advance(1)
        liked.append(PostLiked(post.post_id, fan.user_id, alice.user_id, world.clock.now()))
    world.clock.advance(60)  # handled later than done, as a busy bus does
    for index in [*order, *again]:
        notifications.on_post_liked(liked[index])
    (item,) = notifications.activity(alice.user_id, None, 50).items
    assert item.actor_count == ORDER_FANS
    newest_first = [fan.username for fan in reversed(people)]
    assert [a.username for a in item.actors] == newest_first[:3]
    assert item.notification.created_at == liked[-1].occurred_at
    world.c.shutdown_resources()


@PROPERTY
@given(order=st.permutations(range(4)))
def test_comments_handled_out_of_order_keep_the_newest_comment_and_actor(
    order: list[int],
) -> None:
    world = new_world()
    alice = world.register("alice")
    people = fans(world)[:4]
    post = world.post(alice)
    notifications = world.core.notifications()
    added = []
    for number, fan in enumerate(people, start=1):
        world.clock.advance(1)
        at = world.clock.now()
        added.append(CommentAdded(number, post.post_id, fan.user_id, alice.user_id, (), at))
    for index in order:
        notifications.on_comment_added(added[index])
    (item,) = notifications.activity(alice.user_id, None, 50).items
    assert [a.username for a in item.actors] == [p.username for p in reversed(people)][:3]
    assert (item.actor_count, item.notification.comment_id) == (4, 4)
    world.c.shutdown_resources()

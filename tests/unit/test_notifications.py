from __future__ import annotations

from instagram_core.domain.events import PostLiked
from instagram_core.domain.notifications import NotificationKind
from tests.unit.conftest import World


def activity(world: World, user_id: str) -> list[tuple[str, int, tuple[str, ...]]]:
    page = world.core.notifications().activity(user_id, None, 50)
    return [
        (str(v.notification.kind), v.notification.actor_count, tuple(a.username for a in v.actors))
        for v in page.items
    ]


def test_likes_on_one_post_collapse_into_one_notification(world: World) -> None:
    alice = world.register("alice")
    post = world.post(alice)
    fans = [world.register(f"fan{i}") for i in range(5)]
    for fan in fans:
        world.clock.advance(1)
        world.core.engagement().like(fan.user_id, post.post_id)
    assert activity(world, alice.user_id) == [("like", 5, ("fan4", "fan3", "fan2"))]


def test_own_actions_do_not_notify_and_follows_do(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    post = world.post(alice)
    world.core.engagement().like(alice.user_id, post.post_id)
    assert activity(world, alice.user_id) == []
    world.follow(bob, alice)
    assert activity(world, alice.user_id) == [("follow", 1, ("bob",))]


def test_mentions_and_comments_notify(world: World) -> None:
    alice, bob, carol = world.register("alice"), world.register("bob"), world.register("carol")
    post = world.post(alice, "with @carol")
    world.core.comments().add(bob.user_id, post.post_id, "nice one @carol")
    kinds = {
        v.notification.kind
        for v in world.core.notifications().activity(carol.user_id, None, 10).items
    }
    assert kinds == {NotificationKind.MENTION}
    assert activity(world, alice.user_id) == [("comment", 1, ("bob",))]
    assert len(world.core.notifications().activity(carol.user_id, None, 10).items) == 2


def test_follow_requests_notify_the_private_account(world: World) -> None:
    alice, bob = world.register("alice", private=True), world.register("bob")
    world.follow(bob, alice)
    assert activity(world, alice.user_id) == [("follow_request", 1, ("bob",))]


def test_a_burst_of_likes_pushes_once_per_five_minutes(world: World) -> None:
    alice = world.register("alice")
    world.core.push_devices().register(alice.user_id, "fcm", token="phone-token")
    post = world.post(alice)
    fans = [world.register(f"fan{i}") for i in range(4)]
    for fan in fans[:3]:
        world.clock.advance(10)
        world.core.engagement().like(fan.user_id, post.post_id)
    pushes = world.adapters.push().sent_to(alice.user_id)
    assert [p.text for p in pushes] == ["fan0 liked your post"]
    world.clock.advance(300)
    world.core.engagement().like(fans[3].user_id, post.post_id)
    pushes = world.adapters.push().sent_to(alice.user_id)
    assert [p.text for p in pushes][-1] == "fan3 and 3 others liked your post"
    assert len(pushes) == 2


def test_a_like_handled_late_does_not_move_its_group_above_a_newer_one(world: World) -> None:
    """A new action moves its group to the top; an older one handled late joins its group
    where it stands, so groups stay ordered by their newest action."""
    alice, bob, carol = world.register("alice"), world.register("bob"), world.register("carol")
    first, second = world.post(alice), world.post(alice)
    notifications = world.core.notifications()
    world.clock.advance(1)
    early = PostLiked(first.post_id, bob.user_id, alice.user_id, world.clock.now())
    world.clock.advance(1)
    late = PostLiked(first.post_id, carol.user_id, alice.user_id, world.clock.now())
    world.clock.advance(1)
    on_second = PostLiked(second.post_id, bob.user_id, alice.user_id, world.clock.now())
    for event in (late, on_second, early):  # the bus handles them in this order
        notifications.on_post_liked(event)
    listed = notifications.activity(alice.user_id, None, 50).items
    assert [(v.notification.post_id, [a.username for a in v.actors]) for v in listed] == [
        (second.post_id, ["bob"]),
        (first.post_id, ["carol", "bob"]),
    ]

"""Notifications end to end in the memory world: kinds, blocks, settings, and push delivery
through the bus (retries, gone devices, a failing gateway that never reaches the request)."""

from __future__ import annotations

import pytest
from dependency_injector import providers

from instagram_core.domain.errors import Conflict, InvalidInput, NotFound, Unavailable
from instagram_core.domain.events import Message, PostPublished, PushDelivery
from instagram_core.domain.notifications import Device
from instagram_core.ports.push import DeviceGone, PushMessage
from instagram_core.services.push_devices import MAX_DEVICES_PER_USER
from instagram_entrypoints.containers import memory_container
from tests.unit.conftest import START, World, unit_settings


class ScriptedGateway:
    """Fails with the scripted errors first, then delivers; records what it delivered."""

    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.attempts = 0
        self.delivered: list[tuple[Device, PushMessage]] = []

    def send(self, device: Device, message: PushMessage) -> None:
        self.attempts += 1
        if self.failures:
            raise self.failures.pop(0)
        self.delivered.append((device, message))


def world_with(gateway: ScriptedGateway) -> World:
    container = memory_container(START, unit_settings())
    container.adapters.push.override(providers.Object(gateway))
    container.init_resources()
    return World(container)


def kinds(world: World, user_id: str) -> list[tuple[str, int, tuple[str, ...]]]:
    return [
        (str(v.notification.kind), v.actor_count, tuple(a.username for a in v.actors))
        for v in world.core.notifications().activity(user_id, None, 50).items
    ]


def test_an_unavailable_gateway_is_retried_until_it_delivers() -> None:
    gateway = ScriptedGateway(Unavailable("down"), Unavailable("still down"))
    world = world_with(gateway)
    alice, bob = world.register("alice"), world.register("bob")
    world.core.push_devices().register(alice.user_id, "fcm", token="phone")
    world.core.engagement().like(bob.user_id, world.post(alice).post_id)
    assert gateway.attempts == 3
    assert [m.text for _, m in gateway.delivered] == ["bob liked your post"]


def test_a_failing_gateway_never_reaches_the_request_and_the_list_stays_complete() -> None:
    gateway = ScriptedGateway(*[Unavailable("down")] * 10)
    world = world_with(gateway)
    alice, bob = world.register("alice"), world.register("bob")
    world.core.push_devices().register(alice.user_id, "fcm", token="phone")
    post = world.post(alice)
    assert world.core.engagement().like(bob.user_id, post.post_id) == 1  # the request is fine
    assert gateway.delivered == []
    assert kinds(world, alice.user_id) == [("like", 1, ("bob",))]
    letters = world.core.running_bus().dead_letters()
    assert [type(letter.message).__name__ for letter in letters] == ["PushDelivery"]


def test_a_device_gone_is_forgotten() -> None:
    gateway = ScriptedGateway(DeviceGone("410 Unregistered"))
    world = world_with(gateway)
    alice, bob = world.register("alice"), world.register("bob")
    device = world.core.push_devices().register(alice.user_id, "apns", token="ab" * 32)
    world.core.engagement().like(bob.user_id, world.post(alice).post_id)
    assert world.adapters.devices().get(device.device_id) is None
    assert world.core.push_devices().list(alice.user_id) == []


def test_a_device_moved_to_another_account_gets_none_of_the_old_accounts_pushes() -> None:
    gateway = ScriptedGateway()
    world = world_with(gateway)
    alice, carol = world.register("alice"), world.register("carol")
    device = world.core.push_devices().register(alice.user_id, "fcm", token="shared-phone")
    queued = PushDelivery(device.device_id, alice.user_id, "like", "bob liked your post", 1, 2)
    # the phone logs in as carol before alice's queued push goes out
    world.core.push_devices().register(carol.user_id, "fcm", token="shared-phone")
    world.core.notifications().deliver_push(queued)
    gone = PushDelivery(device.device_id + 10**6, alice.user_id, "like", "x", 1, 2)
    world.core.notifications().deliver_push(gone)  # a removed device: nothing to do
    assert gateway.delivered == []


def test_switched_off_kinds_do_not_push_but_are_listed(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    world.core.push_devices().register(alice.user_id, "fcm", token="phone")
    settings = world.core.notifications().change_settings(alice.user_id, {"like": False})
    assert settings.as_mapping()["like"] is False
    assert settings.as_mapping()["comment"] is True
    post = world.post(alice)
    world.core.engagement().like(bob.user_id, post.post_id)
    world.core.comments().add(bob.user_id, post.post_id, "hi")
    assert [m.kind for m in world.adapters.push().sent_to(alice.user_id)] == ["comment"]
    assert kinds(world, alice.user_id) == [("comment", 1, ("bob",)), ("like", 1, ("bob",))]


def test_unknown_kinds_in_settings_are_refused(world: World) -> None:
    alice = world.register("alice")
    with pytest.raises(InvalidInput, match="unknown notification kind 'poke'"):
        world.core.notifications().change_settings(alice.user_id, {"poke": False})


def test_an_approved_request_notifies_both_sides(world: World) -> None:
    alice, bob = world.register("alice", private=True), world.register("bob")
    world.follow(bob, alice)
    world.core.social().approve(alice.user_id, "bob")
    assert kinds(world, bob.user_id) == [("follow_accepted", 1, ("alice",))]
    assert [k for k, _, _ in kinds(world, alice.user_id)] == ["follow", "follow_request"]


def test_blocked_actors_leave_the_group_count_and_their_own_notifications(world: World) -> None:
    alice = world.register("alice")
    fans = [world.register(f"fan{i}") for i in range(5)]
    post = world.post(alice)
    for fan in fans:
        world.clock.advance(1)
        world.core.engagement().like(fan.user_id, post.post_id)
    world.follow(fans[0], alice)
    assert kinds(world, alice.user_id)[0] == ("follow", 1, ("fan0",))
    world.core.social().block(alice.user_id, "fan4")  # the newest liker
    world.core.social().block(alice.user_id, "fan0")  # the oldest liker, and the follower
    assert kinds(world, alice.user_id) == [("like", 3, ("fan3", "fan2", "fan1"))]
    text = world.core.notifications().activity(alice.user_id, None, 10).items[0].text
    assert text == "fan3 and 2 others liked your post"


def test_blocked_actors_beyond_the_kept_ones_are_uncounted_through_the_actor_set(
    world: World,
) -> None:
    alice = world.register("alice")
    fans = [world.register(f"fan{i:02}") for i in range(14)]
    post = world.post(alice)
    for fan in fans:
        world.clock.advance(1)
        world.core.engagement().like(fan.user_id, post.post_id)
    world.core.social().block(alice.user_id, "fan00")  # long out of the kept actors
    assert kinds(world, alice.user_id) == [("like", 13, ("fan13", "fan12", "fan11"))]


def test_mentions_and_tags_notify_once_per_post_even_when_redelivered(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    post = world.post(alice, "look @bob", tagged_usernames=["bob"])
    world.core.notifications().on_post_published(PostPublished(post.post_id, alice.user_id))
    assert sorted(k for k, _, _ in kinds(world, bob.user_id)) == ["mention", "tag"]


def test_mark_read_up_to_marks_older_ones_only(world: World) -> None:
    alice = world.register("alice")
    fans = [world.register(f"fan{i}") for i in range(3)]
    for fan in fans:
        world.clock.advance(1)
        world.follow(fan, alice)
        world.clock.advance(86_401)  # no collapse: three notifications
    service = world.core.notifications()
    items = service.activity(alice.user_id, None, 10).items
    assert service.unread_count(alice.user_id) == 3
    service.mark_read(alice.user_id, str(items[1].notification.notification_id))
    assert [v.read for v in service.activity(alice.user_id, None, 10).items] == [False, True, True]
    assert service.unread_count(alice.user_id) == 1
    service.mark_read(alice.user_id)
    assert service.unread_count(alice.user_id) == 0
    with pytest.raises(InvalidInput, match="up_to"):
        service.mark_read(alice.user_id, "not-an-id")


def test_device_registration_checks_each_platform(world: World) -> None:
    alice = world.register("alice")
    devices = world.core.push_devices()
    hook = devices.register(alice.user_id, "webhook", url="https://example.test/hook")
    assert hook.secret is not None
    assert len(hook.secret) == 64
    assert devices.register(alice.user_id, "fcm", token="abc:DEF-1_2").secret is None
    for platform, token, url, problem in [
        ("sms", "x", None, "platform must be one of"),
        ("webhook", None, "ftp://example.test/", "absolute http or https"),
        ("webhook", "t", "https://example.test/", "takes a url"),
        ("webhook", None, "https://" + "x" * 2100, "longer than"),
        ("fcm", None, "https://example.test/", "takes a token"),
        ("fcm", "has spaces in it", None, "FCM registration token"),
        ("apns", "not-hex", None, "APNs device token"),
        ("apns", "ab" * 8, None, "APNs device token"),
    ]:
        with pytest.raises(InvalidInput, match=problem):
            devices.register(alice.user_id, platform, token, url)
    with pytest.raises(NotFound):
        devices.remove(alice.user_id, "12345")
    with pytest.raises(NotFound):
        devices.remove(alice.user_id, "nope")
    devices.remove(alice.user_id, str(hook.device_id))
    assert [d.platform for d in devices.list(alice.user_id)] == ["fcm"]


def test_a_user_has_at_most_so_many_devices_but_may_register_one_again(world: World) -> None:
    alice = world.register("alice")
    devices = world.core.push_devices()
    for i in range(MAX_DEVICES_PER_USER):
        devices.register(alice.user_id, "fcm", token=f"t{i}")
    with pytest.raises(Conflict, match="at most"):
        devices.register(alice.user_id, "fcm", token="one-more")
    devices.register(alice.user_id, "fcm", token="t0")  # the same phone again
    assert len(devices.list(alice.user_id)) == MAX_DEVICES_PER_USER


def test_a_push_counts_only_the_actors_the_recipient_may_see(world: World) -> None:
    alice = world.register("alice")
    fans = [world.register(f"fan{i}") for i in range(3)]
    post = world.post(alice)
    world.core.engagement().like(fans[0].user_id, post.post_id)
    world.core.engagement().like(fans[1].user_id, post.post_id)
    world.core.social().block(alice.user_id, "fan0")
    world.core.push_devices().register(alice.user_id, "fcm", token="phone")
    world.core.engagement().like(fans[2].user_id, post.post_id)
    assert [m.text for m in world.adapters.push().sent_to(alice.user_id)] == [
        "fan2 and 1 other liked your post"
    ]


def test_push_deliveries_travel_on_kafka_keyed_by_device() -> None:
    from instagram_adapters.kafka.envelope import decode, encode, open_message, wrap
    from instagram_adapters.kafka.topics import Topology

    command = PushDelivery(5, "alice", "like", "bob liked your post", 7, 9)
    assert open_message(decode(encode(wrap(command)))) == command
    topology = Topology()
    route = topology.route(PushDelivery)
    assert route is not None
    assert topology.topic(route.family) == "instagram.push"
    assert topology.key(command) == b"5"  # one device's pushes stay in order


def test_a_redelivered_push_sends_nothing_more() -> None:
    gateway = ScriptedGateway()
    world = world_with(gateway)
    bus = world.core.running_bus()
    published: list[PushDelivery] = []
    deliver = bus.publish

    def record(message: Message) -> None:
        if isinstance(message, PushDelivery):
            published.append(message)
        deliver(message)

    bus.publish = record  # type: ignore[method-assign]
    alice, bob = world.register("alice"), world.register("bob")
    world.core.push_devices().register(alice.user_id, "fcm", token="phone")
    world.core.engagement().like(bob.user_id, world.post(alice).post_id)
    [command] = published
    world.core.notifications().deliver_push(command)  # Kafka delivers it again
    world.clock.advance(3600)
    world.core.notifications().deliver_push(command)
    assert [m.text for _, m in gateway.delivered] == ["bob liked your post"]


def test_a_failed_send_gives_its_claim_back_so_the_retry_sends() -> None:
    gateway = ScriptedGateway(Unavailable("down"))
    world = world_with(gateway)
    alice = world.register("alice")
    device = world.core.push_devices().register(alice.user_id, "fcm", token="phone")
    command = PushDelivery(device.device_id, alice.user_id, "like", "x", 1, 2, push_id=7)
    with pytest.raises(Unavailable):
        world.core.notifications().deliver_push(command)
    world.core.notifications().deliver_push(command)  # the bus's retry
    world.core.notifications().deliver_push(command)  # and a redelivery of it
    assert (gateway.attempts, len(gateway.delivered)) == (2, 1)


def test_each_push_of_a_collapsed_notification_is_sent() -> None:
    """A notification may push again after the per-post window: a new push, not a resend."""
    gateway = ScriptedGateway()
    world = world_with(gateway)
    alice, bob, cid = world.register("alice"), world.register("bob"), world.register("cid")
    world.core.push_devices().register(alice.user_id, "fcm", token="phone")
    post = world.post(alice)
    world.core.engagement().like(bob.user_id, post.post_id)
    world.clock.advance(301)
    world.core.engagement().like(cid.user_id, post.post_id)
    assert [m.text for _, m in gateway.delivered] == [
        "bob liked your post",
        "cid and 1 other liked your post",
    ]


def test_a_push_written_before_push_ids_is_still_sent() -> None:
    gateway = ScriptedGateway()
    world = world_with(gateway)
    alice = world.register("alice")
    device = world.core.push_devices().register(alice.user_id, "fcm", token="phone")
    world.core.notifications().deliver_push(
        PushDelivery(device.device_id, alice.user_id, "like", "x", 1, 2)
    )
    assert len(gateway.delivered) == 1

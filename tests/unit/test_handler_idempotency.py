"""Which handlers are idempotent: delivering a message to one again changes no stored state.

Kafka delivers at least once (a worker killed before its commit gets the record again), so
each handler must tolerate its message twice. The story below publishes every message type;
then each recorded message is delivered again to each of its handlers, one handler at a time,
and the state of every store (the in-memory adapters, compared field by field) must not move.
Only change versions are left out: a redelivery may mark something changed again, which costs
a recomputed page, never a wrong one.

``NOT_YET_IDEMPOTENT`` pins handlers known to count a redelivery twice; it is empty now
(the affinity and trending stores remember an event id per engagement, story view and
profile visit), and the test fails if any handler joins it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import attrs
import pytest

from instagram_adapters.memory.event_dispatch import handler_name
from instagram_core.domain.events import Message
from instagram_core.services.handlers import message_handlers
from tests.support import jpeg_bytes
from tests.unit.conftest import World, new_world

# What no handler's outcome lives in: clocks, ids, crypto, models, and change versions.
NOT_STATE = {
    "clock",
    "ids",
    "secret",
    "hasher",
    "tokens",
    "engagement_model",
    "processor",
    "transcoder",
    "moderator",
    "ranker",
    "push",
    "limiter",
    "change_versions",
    "config",
}
NOT_YET_IDEMPOTENT: set[str] = set()
LOCKS = (type(threading.Lock()), type(threading.RLock()), threading.Condition, threading.Event)


def state(value: Any, depth: int = 0) -> Any:
    """``value`` as plain comparable data: containers by content, objects by their fields."""
    if depth > 12 or isinstance(value, LOCKS) or (callable(value) and not attrs.has(type(value))):
        return None
    if value is None or isinstance(value, str | int | float | bool | bytes):
        return value
    if isinstance(value, dict):
        return sorted(((repr(k), state(v, depth + 1)) for k, v in value.items()), key=repr)
    if isinstance(value, set | frozenset):
        return sorted(repr(state(v, depth + 1)) for v in value)
    if isinstance(value, list | tuple):
        return [state(v, depth + 1) for v in value]
    if attrs.has(type(value)):
        return state(attrs.asdict(value, recurse=False), depth + 1)
    fields = getattr(value, "__dict__", None)
    if fields is None and hasattr(type(value), "__slots__"):
        fields = {name: getattr(value, name, None) for name in type(value).__slots__}
    if fields is not None:
        return [type(value).__name__, state(fields, depth + 1)]
    return repr(value)


def store_state(world: World) -> dict[str, Any]:
    found = {}
    for name, provider in world.adapters.providers.items():
        if name in NOT_STATE or not hasattr(provider, "cls"):
            continue
        found[name] = state(provider())
    return found


@pytest.fixture
def told_story() -> Iterator[tuple[World, list[Message]]]:
    """A world after a story that publishes every message type, and those messages."""
    world = new_world()
    bus = world.core.running_bus()
    published: list[Message] = []
    deliver = bus.publish

    def record(message: Message) -> None:
        published.append(message)
        deliver(message)

    bus.publish = record
    alice, bob = world.register("alice"), world.register("bob")
    carol = world.register("carol", private=True)
    world.core.push_devices().register(alice.user_id, "fcm", token="alices-phone")
    world.core.accounts().update_profile(alice.user_id, bio="photos")  # type: ignore[call-arg]
    world.follow(bob, alice)
    world.follow(bob, carol)
    world.core.social().approve(carol.user_id, "bob")
    post = world.post(alice, caption="hello #sea")
    world.core.engagement().like(bob.user_id, post.post_id)
    world.core.engagement().save(bob.user_id, post.post_id)
    world.core.engagement().unsave(bob.user_id, post.post_id)
    world.core.engagement().save(bob.user_id, post.post_id)
    world.core.comments().add(bob.user_id, post.post_id, "nice @alice")
    world.core.feed().home(bob.user_id, None, 10)
    story_media = world.upload(alice, jpeg_bytes(), purpose="story")
    mention = {"type": "mention", "username": "bob", "position": {"x": 0.5, "y": 0.5}}
    story = world.core.stories().create(alice.user_id, story_media, stickers=[mention])
    world.core.stories().tray(bob.user_id)  # cached: the view marks it seen
    world.core.story_audience().view(bob.user_id, story.story_id)
    world.core.profiles().profile(bob.user_id, "alice")
    gone = world.post(alice, caption="to delete")
    world.core.posts().delete(alice.user_id, gone.post_id)
    world.core.social().unfollow(bob.user_id, "carol")
    assert bus.dead_letters() == []
    yield world, published
    world.c.shutdown_resources()


def test_the_story_publishes_every_handled_message_type(
    told_story: tuple[World, list[Message]],
) -> None:
    world, published = told_story
    handled = set(message_handlers(world.core.workers()))
    assert handled <= {type(m) for m in published}


def test_every_handler_tolerates_its_message_again(
    told_story: tuple[World, list[Message]],
) -> None:
    world, published = told_story
    handlers = message_handlers(world.core.workers())
    moved: dict[str, list[str]] = {}
    for message in published:
        for handler in handlers.get(type(message), ()):
            before = store_state(world)
            handler(message)
            after = store_state(world)
            changed = sorted(name for name in before if before[name] != after[name])
            if changed:
                moved.setdefault(handler_name(handler), []).append(f"{message!r}: {changed}")
    assert set(moved) == NOT_YET_IDEMPOTENT, moved
    tried = {handler_name(h) for m in published for h in handlers.get(type(m), ())}
    every = {handler_name(h) for found in handlers.values() for h in found}
    assert tried == every  # every other handler was proven, none skipped

"""A write to a store outside the bus's transaction (Cassandra, Redis) and its message: the
process stopping between the two loses nothing.

The world is the memory one with :class:`InMemoryIntents` (messages held until their write
returned). Each test makes one store fail right after its write (the state a kill leaves:
written, never released), checks the message's effect is missing, runs the recovery sweep
and checks it is there; a store failing before its write gets its message withdrawn."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from dependency_injector import providers

from instagram_adapters.memory.intents import InMemoryIntents
from instagram_core.domain.events import Message
from instagram_core.domain.posts import PostStatus
from instagram_core.domain.stories import StoryStatus
from instagram_core.services.explore import SAVE_WEIGHT
from instagram_core.services.intents import IntentReport, PublishAfterWrite
from instagram_core.services.posts import NewPost
from instagram_entrypoints.containers import memory_container
from tests.support import jpeg_bytes
from tests.unit.conftest import START, World, new_world, unit_settings


class Crash(Exception):
    """The process stopping at this point."""


@pytest.fixture
def world() -> Iterator[World]:
    container = memory_container(START, unit_settings())
    core = container.core
    core.intents.override(providers.Singleton(InMemoryIntents, core.bus, container.adapters.clock))
    container.init_resources()
    yield World(container)
    container.shutdown_resources()


def fail_after(store: Any, method: str) -> Callable[[], None]:
    """Make ``store.method`` write, then raise; returns the undo."""
    original = getattr(store, method)

    def written_then_crash(*args: Any, **kwargs: Any) -> Any:
        original(*args, **kwargs)
        raise Crash

    setattr(store, method, written_then_crash)
    return lambda: setattr(store, method, original)


def fail_before(store: Any, method: str) -> Callable[[], None]:
    original = getattr(store, method)

    def crash(*args: Any, **kwargs: Any) -> Any:
        raise Crash

    setattr(store, method, crash)
    return lambda: setattr(store, method, original)


def sweep(world: World) -> IntentReport:
    report: IntentReport = world.core.intent_sweep().recover(older_than=timedelta(0))
    return report


def kinds(world: World, user_id: str) -> list[str]:
    return [
        str(v.notification.kind)
        for v in world.core.notifications().activity(user_id, None, 50).items
    ]


def test_a_like_written_before_a_crash_is_announced_by_the_sweep(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    post = world.post(alice)
    undo = fail_after(world.adapters.engagement(), "like")
    with pytest.raises(Crash):
        world.core.engagement().like(bob.user_id, post.post_id)
    undo()
    assert world.adapters.engagement().like_counts([post.post_id])[post.post_id] == 1
    assert "like" not in kinds(world, alice.user_id)  # written, not announced
    assert sweep(world) == IntentReport(released=1)
    assert "like" in kinds(world, alice.user_id)
    assert sweep(world) == IntentReport()  # nothing left held


def test_a_like_that_never_landed_is_withdrawn(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    post = world.post(alice)
    undo = fail_before(world.adapters.engagement(), "like")
    with pytest.raises(Crash):
        world.core.engagement().like(bob.user_id, post.post_id)
    undo()
    assert sweep(world) == IntentReport(dropped=1)
    assert kinds(world, alice.user_id) == []


def test_a_repeated_like_holds_nothing_and_announces_nothing(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    post = world.post(alice)
    world.core.engagement().like(bob.user_id, post.post_id)
    world.core.engagement().like(bob.user_id, post.post_id)
    assert kinds(world, alice.user_id).count("like") == 1
    assert sweep(world) == IntentReport()


def logged_weights(world: World, user_id: str) -> list[float]:
    """The weights of the user's entries in Explore's engagement log, oldest first."""
    log = world.adapters.explore().window(START - timedelta(days=1))
    return [e.weight for e in log if e.user_id == user_id]


def test_a_save_written_before_a_crash_reaches_explore_s_log_through_the_sweep(
    world: World,
) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    post = world.post(alice)
    undo = fail_after(world.adapters.engagement(), "save")
    with pytest.raises(Crash):
        world.core.engagement().save(bob.user_id, post.post_id)
    undo()
    assert logged_weights(world, bob.user_id) == []  # saved, not announced
    assert sweep(world) == IntentReport(released=1)
    assert logged_weights(world, bob.user_id) == [SAVE_WEIGHT]


def test_an_unsave_that_never_landed_is_withdrawn(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    post = world.post(alice)
    world.core.engagement().save(bob.user_id, post.post_id)
    undo = fail_before(world.adapters.engagement(), "unsave")
    with pytest.raises(Crash):
        world.core.engagement().unsave(bob.user_id, post.post_id)
    undo()
    assert sweep(world) == IntentReport(dropped=1)
    assert logged_weights(world, bob.user_id) == [SAVE_WEIGHT]  # still saved: no retraction


def test_a_comment_written_before_a_crash_is_announced_by_the_sweep(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    post = world.post(alice)
    undo = fail_after(world.adapters.comments(), "add")
    with pytest.raises(Crash):
        world.core.comments().add(bob.user_id, post.post_id, "nice")
    undo()
    assert "comment" not in kinds(world, alice.user_id)
    assert sweep(world) == IntentReport(released=1)
    assert "comment" in kinds(world, alice.user_id)


def test_a_post_stored_before_a_crash_is_processed_after_the_sweep(world: World) -> None:
    alice = world.register("alice")
    media_id = world.upload(alice)
    undo = fail_after(world.adapters.posts(), "add")
    with pytest.raises(Crash):
        world.core.posts().create(alice.user_id, NewPost([media_id]))
    undo()
    [stuck] = world.adapters.posts().by_status(PostStatus.PROCESSING, 10)
    assert sweep(world) == IntentReport(released=1)
    published = world.adapters.posts().get(stuck.post_id)
    assert published is not None
    assert published.status is PostStatus.PUBLISHED


def test_a_post_deleted_before_a_crash_is_cleaned_up_after_the_sweep(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    post = world.post(alice)
    world.core.engagement().like(bob.user_id, post.post_id)
    undo = fail_after(world.adapters.posts(), "delete")
    with pytest.raises(Crash):
        world.core.posts().delete(alice.user_id, post.post_id)
    undo()
    assert world.adapters.posts().get(post.post_id) is None
    assert world.adapters.engagement().like_counts([post.post_id])[post.post_id] == 1
    assert sweep(world) == IntentReport(released=1)
    # The PostDeleted handlers ran: the post's likes are forgotten.
    assert world.adapters.engagement().like_counts([post.post_id])[post.post_id] == 0


def test_a_story_stored_before_a_crash_goes_live_after_the_sweep(world: World) -> None:
    alice = world.register("alice")
    media_id = world.upload(alice, jpeg_bytes(), purpose="story")
    undo = fail_after(world.adapters.stories(), "add")
    with pytest.raises(Crash):
        world.core.stories().create(alice.user_id, media_id)
    undo()
    assert world.core.stories().tray(alice.user_id) == []  # stored, still processing
    assert sweep(world) == IntentReport(released=1)
    [tray] = world.core.stories().tray(alice.user_id)
    assert [v.story.status for v in tray.stories] == [StoryStatus.LIVE]


def test_a_story_view_recorded_before_a_crash_counts_for_closeness_after_the_sweep(
    world: World,
) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    world.follow(bob, alice)
    story = world.core.stories().create(
        alice.user_id, world.upload(alice, jpeg_bytes(), purpose="story")
    )
    undo = fail_after(world.adapters.story_views(), "record")
    with pytest.raises(Crash):
        world.core.story_audience().view(bob.user_id, story.story_id)
    undo()
    assert world.core.closeness().scores(bob.user_id, [alice.user_id]).get(alice.user_id, 0) == 0
    assert sweep(world) == IntentReport(released=1)
    assert world.core.closeness().scores(bob.user_id, [alice.user_id])[alice.user_id] > 0


def test_every_message_sent_through_intents_has_an_outcome_check(world: World) -> None:
    """Each message a service announces through intents can be settled by the sweep: the
    story touches every such write, and every type it sent has a check."""
    sent: list[Message] = []
    intents = world.core.intents()
    run = intents.run

    def record(message: Message, write: Any, keep: Any) -> Any:
        sent.append(message)
        return run(message, write, keep)

    intents.run = record
    alice, bob = world.register("alice"), world.register("bob")
    world.follow(bob, alice)
    post = world.post(alice)
    world.core.engagement().like(bob.user_id, post.post_id)
    world.core.engagement().save(bob.user_id, post.post_id)
    world.core.engagement().unsave(bob.user_id, post.post_id)
    world.core.comments().add(bob.user_id, post.post_id, "nice")
    story = world.core.stories().create(
        alice.user_id, world.upload(alice, jpeg_bytes(), purpose="story")
    )
    world.core.story_audience().view(bob.user_id, story.story_id)
    world.core.posts().delete(alice.user_id, post.post_id)
    checked = world.core.intent_sweep().kinds
    assert {type(m) for m in sent} == checked


def test_buses_that_keep_nothing_publish_after_the_write() -> None:
    """The default (memory and in-process buses): nothing held, nothing to sweep."""
    world = new_world()
    assert isinstance(world.core.intents(), PublishAfterWrite)
    alice, bob = world.register("alice"), world.register("bob")
    post = world.post(alice)
    world.core.engagement().like(bob.user_id, post.post_id)
    assert "like" in kinds(world, alice.user_id)
    assert sweep(world) == IntentReport()
    world.c.shutdown_resources()

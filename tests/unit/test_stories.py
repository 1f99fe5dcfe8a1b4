from __future__ import annotations

from datetime import timedelta

import pytest

from instagram_core.domain.errors import InvalidInput
from tests.unit.conftest import World


def test_stories_show_in_followers_trays_for_24_hours(world: World) -> None:
    alice, bob, carol = world.register("alice"), world.register("bob"), world.register("carol")
    world.follow(bob, alice)
    story = world.core.stories().create(alice.user_id, world.upload(alice, purpose="story"))
    trays = world.core.stories().tray(bob.user_id)
    assert [(t.user.username, [s.story.story_id for s in t.stories]) for t in trays] == [
        ("alice", [story.story_id])
    ]
    assert trays[0].stories[0].media_url
    assert world.core.stories().tray(carol.user_id) == []
    world.clock.advance(timedelta(hours=24))
    assert world.core.stories().tray(bob.user_id) == []


def test_trays_are_ordered_by_latest_story(world: World) -> None:
    alice, bob, carol = world.register("alice"), world.register("bob"), world.register("carol")
    world.follow(carol, alice)
    world.follow(carol, bob)
    world.core.stories().create(alice.user_id, world.upload(alice, purpose="story"))
    world.clock.advance(5)
    world.core.stories().create(bob.user_id, world.upload(bob, purpose="story"))
    assert [t.user.username for t in world.core.stories().tray(carol.user_id)] == ["bob", "alice"]


def test_story_media_must_be_uploaded_by_the_author(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    with pytest.raises(InvalidInput):
        world.core.stories().create(bob.user_id, world.upload(alice, purpose="story"))


def test_a_cached_tray_learns_of_new_stories_and_follows(world: World) -> None:
    alice, bob, carol = world.register("alice"), world.register("bob"), world.register("carol")
    world.follow(bob, alice)
    assert world.core.stories().tray(bob.user_id) == []  # now cached, empty
    world.core.stories().create(alice.user_id, world.upload(alice, purpose="story"))
    assert [t.user.username for t in world.core.stories().tray(bob.user_id)] == ["alice"]
    world.core.stories().create(carol.user_id, world.upload(carol, purpose="story"))
    world.follow(bob, carol)
    assert {t.user.username for t in world.core.stories().tray(bob.user_id)} == {"alice", "carol"}


def test_story_media_live_under_stories_and_are_not_postable(world: World) -> None:
    from instagram_core.services.posts import NewPost

    alice = world.register("alice")
    story_media = world.upload(alice, purpose="story")
    media = world.adapters.media().get(story_media)
    assert media is not None
    assert media.original_key.startswith("stories/")
    with pytest.raises(InvalidInput, match="purpose=post"):
        world.core.posts().create(alice.user_id, NewPost([story_media]))
    with pytest.raises(InvalidInput, match="purpose=story"):
        world.core.stories().create(alice.user_id, world.upload(alice))


def test_the_archive_keeps_the_owners_expired_stories(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    stories = world.core.stories()
    made = []
    for _ in range(3):
        made.append(stories.create(alice.user_id, world.upload(alice, purpose="story")))
        world.clock.advance(1)
    stories.create(bob.user_id, world.upload(bob, purpose="story"))
    world.clock.advance(timedelta(hours=25))  # every story has expired
    page = stories.archive(alice.user_id, None, 2)
    assert [v.story.story_id for v in page.items] == [made[2].story_id, made[1].story_id]
    rest = stories.archive(alice.user_id, page.next_cursor, 2)
    assert [v.story.story_id for v in rest.items] == [made[0].story_id]
    assert rest.next_cursor is None
    assert len(stories.archive(bob.user_id, None, 10).items) == 1


def test_a_malformed_archive_cursor_is_invalid_input(world: World) -> None:
    alice = world.register("alice")
    with pytest.raises(InvalidInput):
        world.core.stories().archive(alice.user_id, "not-an-id", 10)

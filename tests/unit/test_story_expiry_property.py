"""Property: a story is on every read path for allowed viewers until the instant it expires,
and on none from then on (the owner's archive and highlights keep it, by design); the cached
tray names its author exactly while one of their stories is live, and holds the viewer's
seen marks exactly for the live stories they viewed, whether the cache was warm or cold."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instagram_core.domain.errors import NotFound
from instagram_core.domain.stories import STORY_LIFETIME
from tests.unit.conftest import new_world

POLL = {"type": "poll", "question": "?", "options": ["a", "b"], "position": {"x": 0, "y": 0}}
SECONDS = int(STORY_LIFETIME.total_seconds())


@settings(max_examples=25, deadline=None)
@given(
    gaps=st.lists(st.integers(0, SECONDS), min_size=1, max_size=4),
    steps=st.lists(
        st.one_of(st.integers(1, SECONDS), st.just(SECONDS - 1), st.just(1)),
        min_size=1,
        max_size=6,
    ),
    data=st.data(),
)
def test_an_expired_story_is_on_no_read_path_and_a_live_one_on_every_one(
    gaps: list[int], steps: list[int], data: st.DataObject
) -> None:
    world = new_world()
    author, follower = world.register("author"), world.register("follower")
    stranger = world.register("stranger")  # the account is public: may view, has no tray
    world.follow(follower, author)
    stories = world.core.stories()
    audience = world.core.story_audience()
    trays = world.adapters.story_trays()
    made = []
    viewed: set[int] = set()  # by the follower
    for gap in gaps:
        world.clock.advance(timedelta(seconds=gap))
        media_id = world.upload(author, purpose="story")
        made.append(stories.create(author.user_id, media_id, stickers=[POLL]))
    for step in steps:
        world.clock.advance(timedelta(seconds=step))
        now = world.clock.now()
        live = {s.story_id for s in made if now < s.expires_at}
        if data.draw(st.booleans(), label="cold cache"):
            trays.forget([follower.user_id])  # rebuilt from the stores: the same answers
        for reader in (follower, author):
            shown = {v.story.story_id for t in stories.tray(reader.user_id) for v in t.stories}
            assert shown == live
            # the cached tray itself stops naming the author at the instant, with no event
            cached = trays.get(reader.user_id, live_at=now)
            assert cached is not None
            assert set(cached.leaving) == ({author.user_id} if live else set())
        # seen is exactly what the follower viewed of the live stories, and so are the
        # cached tray's marks (kept through the bus): a mark leaves with its story
        tray = stories.tray(follower.user_id)
        assert {v.story.story_id for t in tray for v in t.stories if v.seen} == viewed & live
        assert [t.seen for t in tray] == ([live <= viewed] if live else [])
        marks = trays.get(follower.user_id, live_at=now)
        assert marks is not None
        assert set(marks.seen) == viewed & live
        assert stories.tray(stranger.user_id) == []
        ids = [s.story_id for s in made]
        watched = data.draw(st.sets(st.sampled_from(ids)), label="the follower views")
        for story_id in ids:
            if story_id in live:
                audience.view(stranger.user_id, story_id)
                if story_id in watched:
                    audience.view(follower.user_id, story_id)
                    viewed.add(story_id)
                continue
            for reader in (follower, stranger):
                with pytest.raises(NotFound):
                    audience.view(reader.user_id, story_id)
                with pytest.raises(NotFound):
                    audience.vote(reader.user_id, story_id, 0)
        archived = {v.story.story_id for v in stories.archive(author.user_id, None, 50).items}
        assert archived == {s.story_id for s in made}


@settings(max_examples=15, deadline=None)
@given(offset=st.integers(-3, 3))
def test_the_boundary_is_exact_to_the_microsecond(offset: int) -> None:
    world = new_world()
    author, follower = world.register("author"), world.register("follower")
    world.follow(follower, author)
    made = world.core.stories().create(author.user_id, world.upload(author, purpose="story"))
    world.clock.advance(STORY_LIFETIME + timedelta(microseconds=offset))
    trays = world.core.stories().tray(follower.user_id)
    assert bool(trays) == (offset < 0)
    if offset < 0:
        world.core.story_audience().view(follower.user_id, made.story_id)
    else:
        with pytest.raises(NotFound):
            world.core.story_audience().view(follower.user_id, made.story_id)

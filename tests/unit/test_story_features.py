"""Stories, complete: stickers, views and viewers, polls, highlights, and the tray's order."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from instagram_core.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from instagram_core.domain.notifications import NotificationKind
from instagram_core.domain.stickers import (
    HashtagSticker,
    LocationSticker,
    MentionSticker,
    PollSticker,
    Position,
)
from instagram_core.domain.stories import Story
from instagram_core.domain.users import User
from tests.unit.conftest import World

AT = {"x": 0.5, "y": 0.5}
POLL = {"type": "poll", "question": "Tea?", "options": ["yes", "no"], "position": AT}


def story(world: World, author: User, stickers: list[Any] | None = None) -> Story:
    media_id = world.upload(author, purpose="story")
    return world.core.stories().create(author.user_id, media_id, stickers=stickers or [])


def test_every_sticker_kind_is_stored_and_served(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    made = story(
        world,
        alice,
        [
            {"type": "mention", "username": "Bob", "position": {"x": 0, "y": 1}},
            {"type": "hashtag", "tag": "#Sunset", "position": AT},
            {"type": "location", "place": "place-17", "position": AT},
            {"type": "location", "lat": 48.85, "lng": 2.35, "name": "Paris", "position": AT},
            POLL,
        ],
    )
    assert made.stickers == (
        MentionSticker(Position(0.0, 1.0), bob.user_id, "bob"),
        HashtagSticker(Position(0.5, 0.5), "sunset"),
        LocationSticker(Position(0.5, 0.5), place="place-17"),
        LocationSticker(Position(0.5, 0.5), name="Paris", lat=48.85, lng=2.35),
        PollSticker(Position(0.5, 0.5), "Tea?", ("yes", "no")),
    )
    served = world.core.stories().archive(alice.user_id, None, 10).items[0]
    assert served.story.stickers == made.stickers
    assert served.poll_counts == (0, 0)


@pytest.mark.parametrize(
    ("sticker", "message"),
    [
        ({"type": "gif", "position": AT}, "stickers[0].type must be one of"),
        ({"type": "hashtag", "tag": "a b", "position": AT}, "stickers[0].tag"),
        ({"type": "hashtag", "tag": "ok"}, "stickers[0].position must be"),
        ({"type": "hashtag", "tag": "ok", "position": {"x": 1.5, "y": 0}}, "position.x"),
        ({"type": "hashtag", "tag": "ok", "position": {"x": True, "y": 0}}, "position.x"),
        ({"type": "hashtag", "tag": "ok", "position": {"x": 0, "y": "1"}}, "position.y"),
        ({"type": "mention", "username": "", "position": AT}, "stickers[0].username"),
        ({"type": "poll", "question": "?", "options": ["a"], "position": AT}, "2 to 4"),
        ({**POLL, "options": ["a", "b", "c", "d", "e"]}, "2 to 4"),
        ({**POLL, "options": ["a", "a"]}, "differ"),
        ({**POLL, "question": " "}, "question"),
        ({"type": "location", "position": AT}, "needs a place, or lat, lng and name"),
        ({"type": "location", "lat": 91, "lng": 0, "name": "x", "position": AT}, "lat"),
        ({"type": "location", "place": "p", "lat": 1, "lng": 1, "position": AT}, "not both"),
        ({**POLL, "colour": "red"}, "unknown fields: colour"),
        ("hashtag", "stickers[0] must be an object"),
    ],
)
def test_a_malformed_sticker_is_refused_naming_the_problem(
    world: World, sticker: Any, message: str
) -> None:
    alice = world.register("alice")
    with pytest.raises(InvalidInput, match=message.replace("[", r"\[").replace("]", r"\]")):
        story(world, alice, [sticker])
    assert list(world.core.stories().archive(alice.user_id, None, 10).items) == []


def test_two_polls_or_too_many_stickers_are_refused(world: World) -> None:
    alice = world.register("alice")
    with pytest.raises(InvalidInput, match="one poll"):
        story(world, alice, [POLL, POLL])
    with pytest.raises(InvalidInput, match="at most 10"):
        story(world, alice, [{"type": "hashtag", "tag": "t", "position": AT}] * 11)


@pytest.mark.parametrize("blocker", ["author", "mentioned"])
def test_a_mention_across_a_block_or_of_nobody_is_refused(world: World, blocker: str) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    if blocker == "author":
        world.core.social().block(alice.user_id, "bob")
    else:
        world.core.social().block(bob.user_id, "alice")
    mention = {"type": "mention", "username": "bob", "position": AT}
    with pytest.raises(InvalidInput, match="@bob cannot be mentioned"):
        story(world, alice, [mention])
    with pytest.raises(InvalidInput, match="@nobody cannot be mentioned"):
        story(world, alice, [{**mention, "username": "nobody"}])


def test_a_mention_notifies_the_mentioned_account_once_live(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    story(world, alice, [{"type": "mention", "username": "bob", "position": AT}] * 2)
    items = world.core.notifications().activity(bob.user_id, None, 10).items
    assert [(n.notification.kind, [a.username for a in n.actors]) for n in items] == [
        (NotificationKind.MENTION, ["alice"])
    ]


def test_a_view_is_idempotent_and_listed_for_the_owner_only(world: World) -> None:
    alice, bob, carol = world.register("alice"), world.register("bob"), world.register("carol")
    made = story(world, alice)
    audience = world.core.story_audience()
    audience.view(bob.user_id, made.story_id)
    world.clock.advance(5)
    audience.view(carol.user_id, made.story_id)
    world.clock.advance(5)
    audience.view(bob.user_id, made.story_id)  # again: nothing changes
    audience.view(alice.user_id, made.story_id)  # one's own view is not counted
    page = audience.viewers(alice.user_id, made.story_id, None, 1)
    assert [v.user.username for v in page.items] == ["carol"]
    rest = audience.viewers(alice.user_id, made.story_id, page.next_cursor, 1)
    assert [v.user.username for v in rest.items] == ["bob"]
    assert rest.items[0].viewed_at < page.items[0].viewed_at
    assert rest.next_cursor is None
    with pytest.raises(Forbidden):
        audience.viewers(bob.user_id, made.story_id, None, 10)
    own = world.core.stories().tray(alice.user_id)[0].stories[0]
    assert own.view_count == 2


def test_viewers_stay_readable_for_the_owner_after_expiry(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    made = story(world, alice)
    world.core.story_audience().view(bob.user_id, made.story_id)
    world.clock.advance(timedelta(hours=24))
    page = world.core.story_audience().viewers(alice.user_id, made.story_id, None, 10)
    assert [v.user.username for v in page.items] == ["bob"]
    assert world.core.stories().archive(alice.user_id, None, 10).items[0].view_count == 1
    with pytest.raises(NotFound):  # gone for everyone else: no 403 that would confirm it
        world.core.story_audience().viewers(bob.user_id, made.story_id, None, 10)
    with pytest.raises(NotFound):
        world.core.story_audience().view(bob.user_id, made.story_id)


def test_a_viewer_blocked_later_leaves_the_viewers_list(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    made = story(world, alice)
    world.core.story_audience().view(bob.user_id, made.story_id)
    world.core.social().block(bob.user_id, "alice")
    assert world.core.story_audience().viewers(alice.user_id, made.story_id, None, 10).items == []


def test_only_those_who_may_see_a_story_can_view_it(world: World) -> None:
    alice = world.register("alice", private=True)
    bob, carol = world.register("bob"), world.register("carol")
    made = story(world, alice)
    audience = world.core.story_audience()
    with pytest.raises(Forbidden):
        audience.view(bob.user_id, made.story_id)
    world.core.social().block(alice.user_id, "carol")
    with pytest.raises(NotFound):
        audience.view(carol.user_id, made.story_id)
    with pytest.raises(NotFound):
        audience.view(bob.user_id, 12345)
    world.follow(bob, alice)
    world.core.social().approve(alice.user_id, "bob")
    audience.view(bob.user_id, made.story_id)
    assert world.core.stories().tray(alice.user_id)[0].stories[0].view_count == 1


def test_a_malformed_viewers_cursor_is_invalid_input(world: World) -> None:
    alice = world.register("alice")
    made = story(world, alice)
    for cursor in ("x", "12_", "_bob", "-1_bob"):
        with pytest.raises(InvalidInput):
            world.core.story_audience().viewers(alice.user_id, made.story_id, cursor, 10)


def test_one_poll_vote_per_viewer_and_the_owner_sees_counts(world: World) -> None:
    alice, bob, carol = world.register("alice"), world.register("bob"), world.register("carol")
    polled = story(world, alice, [POLL])
    audience = world.core.story_audience()
    audience.vote(bob.user_id, polled.story_id, 1)
    audience.vote(carol.user_id, polled.story_id, 1)
    with pytest.raises(Conflict):
        audience.vote(bob.user_id, polled.story_id, 0)
    with pytest.raises(InvalidInput, match="between 0 and 1"):
        audience.vote(alice.user_id, polled.story_id, 2)
    plain = story(world, alice)
    with pytest.raises(InvalidInput, match="no poll"):
        audience.vote(bob.user_id, plain.story_id, 0)
    world.follow(bob, alice)
    owner_view = world.core.stories().archive(alice.user_id, None, 10).items[1]
    assert owner_view.poll_counts == (0, 2)
    bobs = world.core.stories().tray(bob.user_id)[0].stories
    assert [(v.poll_counts, v.my_vote) for v in bobs] == [(None, None), (None, 1)]


def test_highlights_keep_stories_past_expiry_for_those_who_may_see_them(world: World) -> None:
    alice = world.register("alice", private=True)
    bob, carol = world.register("bob"), world.register("carol")
    first, second = story(world, alice), story(world, alice)
    world.clock.advance(timedelta(days=3))
    made = world.core.highlights().create(
        alice.user_id, " Trip ", [second.story_id, first.story_id]
    )
    assert made.highlight.title == "Trip"
    assert [v.story.story_id for v in made.stories] == [second.story_id, first.story_id]
    world.follow(bob, alice)
    world.core.social().approve(alice.user_id, "bob")
    shown = world.core.highlights().of_user(bob.user_id, "alice")
    assert [[v.story.story_id for v in h.stories] for h in shown] == [
        [second.story_id, first.story_id]
    ]
    assert shown[0].stories[0].media_url
    with pytest.raises(Forbidden):
        world.core.highlights().of_user(carol.user_id, "alice")
    world.core.social().block(alice.user_id, "carol")
    with pytest.raises(NotFound):
        world.core.highlights().of_user(carol.user_id, "alice")


def test_a_highlight_takes_only_the_owners_published_stories(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    mine, theirs = story(world, alice), story(world, bob)
    highlights = world.core.highlights()
    with pytest.raises(InvalidInput, match=f"story {theirs.story_id} is not one of your"):
        highlights.create(alice.user_id, "t", [mine.story_id, theirs.story_id])
    with pytest.raises(InvalidInput, match="title"):
        highlights.create(alice.user_id, " ", [mine.story_id])
    with pytest.raises(InvalidInput, match="repeat"):
        highlights.create(alice.user_id, "t", [mine.story_id, mine.story_id])
    with pytest.raises(InvalidInput, match="1-100"):
        highlights.create(alice.user_id, "t", [])
    assert highlights.of_user(bob.user_id, "alice") == []


def _tray(world: World, viewer: User) -> list[tuple[str, bool]]:
    return [(t.user.username, t.seen) for t in world.core.stories().tray(viewer.user_id)]


def test_unseen_trays_come_first_by_closeness_then_seen_ones(world: World) -> None:
    viewer = world.register("viewer")
    authors = {name: world.register(name) for name in ("ann", "ben", "cid", "dot")}
    for author in authors.values():
        world.follow(viewer, author)
    stories = {name: story(world, user) for name, user in authors.items()}
    world.clock.advance(60)
    story(world, viewer)
    # Closeness: a comment on ben's post (2), a visit to cid's profile (1.5), a like of
    # ann's post (1); dot has none and posted last, so recency alone would put it first.
    world.core.comments().add(viewer.user_id, world.post(authors["ben"]).post_id, "nice")
    world.core.profiles().profile(viewer.user_id, "cid")
    world.core.engagement().like(viewer.user_id, world.post(authors["ann"]).post_id)
    assert _tray(world, viewer) == [
        ("viewer", False),
        ("ben", False),
        ("cid", False),
        ("ann", False),
        ("dot", False),
    ]
    world.core.story_audience().view(viewer.user_id, stories["ben"].story_id)
    world.core.story_audience().view(viewer.user_id, stories["dot"].story_id)
    # ben's and dot's trays are seen: last, still by closeness (ben gained a view too)
    assert _tray(world, viewer) == [
        ("viewer", False),
        ("cid", False),
        ("ann", False),
        ("ben", True),
        ("dot", True),
    ]
    new = story(world, authors["ben"])  # a new story makes the tray unseen again
    assert _tray(world, viewer)[1] == ("ben", False)
    assert [s.seen for s in world.core.stories().tray(viewer.user_id)[1].stories] == [
        False,
        True,
    ]
    assert new.story_id > stories["ben"].story_id


def test_closeness_decays_over_time(world: World) -> None:
    viewer, ann, ben = world.register("viewer"), world.register("ann"), world.register("ben")
    world.follow(viewer, ann)
    world.follow(viewer, ben)
    world.core.comments().add(viewer.user_id, world.post(ann).post_id, "old friend")
    world.clock.advance(timedelta(days=60))
    world.core.profiles().profile(viewer.user_id, "ben")  # 1.5 now beats 2·e^(-60/14)
    story(world, ann)
    story(world, ben)
    assert [name for name, _ in _tray(world, viewer)] == ["ben", "ann"]


def test_mutes_and_blocks_take_trays_out_at_once(world: World) -> None:
    viewer, ann, ben = world.register("viewer"), world.register("ann"), world.register("ben")
    world.follow(viewer, ann)
    world.follow(viewer, ben)
    story(world, ann)
    story(world, ben)
    assert {n for n, _ in _tray(world, viewer)} == {"ann", "ben"}  # now cached
    world.core.social().mute(viewer.user_id, "ann")
    world.core.social().block(viewer.user_id, "ben")
    assert _tray(world, viewer) == []
    world.core.social().unmute(viewer.user_id, "ann")
    assert _tray(world, viewer) == [("ann", False)]

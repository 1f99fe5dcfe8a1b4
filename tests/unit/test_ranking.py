from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from instagram_core.domain.users import User
from instagram_core.services.ranking import _micros
from tests.unit.conftest import World, new_world


def order(world: World, viewer: User, limit: int = 50) -> list[str]:
    return [p.author.username for p in world.core.feed().home(viewer.user_id, None, limit).items]


def test_the_model_ranks_a_close_friend_above_a_newer_stranger() -> None:
    world = new_world(ranker="model")
    alice, bob, carol = world.register("alice"), world.register("bob"), world.register("carol")
    world.follow(bob, alice)
    world.follow(bob, carol)
    for _ in range(6):
        post = world.post(alice, "#sunset")
        world.core.engagement().like(bob.user_id, post.post_id)
        world.core.comments().add(bob.user_id, post.post_id, "lovely")
        world.clock.advance(3600)
    world.clock.advance(86_400)
    friend = world.post(alice, "#sunset again")
    world.clock.advance(600)
    stranger = world.post(carol, "newer, but bob never engaged with carol")
    ranked = [p.post_id for p in world.core.feed().home(bob.user_id, None, 50).items]
    assert ranked.index(friend.post_id) < ranked.index(stranger.post_id)


def test_no_page_has_three_posts_in_a_row_by_one_author() -> None:
    world = new_world(ranker="model")
    alice, bob, carol = world.register("alice"), world.register("bob"), world.register("carol")
    world.follow(carol, alice)
    world.follow(carol, bob)
    for _ in range(8):
        world.post(alice)
        world.clock.advance(60)
    for _ in range(2):
        world.post(bob)
        world.clock.advance(60)
    authors = order(world, carol)
    assert len(authors) == 10
    runs = [authors[i : i + 3] for i in range(len(authors) - 2)]
    tail_start = max(i for i, a in enumerate(authors) if a == "bob")
    assert all(len(set(run)) > 1 for run in runs[: tail_start - 1])


def test_shown_posts_are_remembered_as_seen() -> None:
    world = new_world(ranker="model")
    alice = world.register("alice")
    post = world.post(alice)
    world.core.feed().home(alice.user_id, None, 10)
    history = world.adapters.affinity().history(
        alice.user_id, [], [], [post.post_id], world.clock.now()
    )
    assert history.seen == {post.post_id}


INSTANTS = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@given(now=INSTANTS, at=INSTANTS)
def test_ages_from_whole_microseconds_are_the_timedelta_s_floats(
    now: datetime, at: datetime
) -> None:
    """The ranker keeps a post's publication as epoch microseconds (with its row) and
    takes ages from them: the very floats ``(now - at).total_seconds() / 3600`` gives, so
    the features, and the order, are those of the datetimes."""
    age = (_micros(now) - _micros(at)) / 1_000_000 / 3600.0
    assert age == (now - at).total_seconds() / 3600.0


def test_the_columns_kept_with_the_rows_are_the_columns_read_afresh() -> None:
    world = new_world(ranker="model")
    author, fan = world.register("author"), world.register("fan")
    world.follow(fan, author)
    posts = [world.post(author, f"#tag{n}") for n in range(4)]
    world.core.engagement().like(fan.user_id, posts[0].post_id)
    world.core.comments().add(fan.user_id, posts[1].post_id, "nice")
    ranker = world.core.model_ranker()
    assert ranker._rows is not None  # the container shares the feed's rows
    rows = ranker._rows.get_many([p.post_id for p in posts])
    candidates = [rows[p.post_id] for p in posts]
    now = world.clock.now()
    kept = (ranker._facts(candidates, now), ranker._facts(candidates, now))  # read, then kept
    plain = object.__new__(type(ranker))
    plain.__dict__.update(ranker.__dict__, _rows=None)
    assert kept[0] == kept[1] == plain._facts(candidates, now)
    assert list(kept[0].likes) == [1, 0, 0, 0]
    assert list(kept[0].comments) == [0, 1, 0, 0]

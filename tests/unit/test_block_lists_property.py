"""No list shows an account blocked with its viewer, as a hypothesis property.

A random world of follows, requests, posts, likes, comments, stories and their views, with
blocks and unblocks in between (so the content is there before the block hides its
author): every list a viewer can read (anyone's followers and following, their own follow
requests, search, their activity tab, any post's comments, their stories' viewers) leaves
out every account blocked with the viewer, in either direction. Reads the viewer may not make
at all (a profile behind a block, a private account's lists) must fail, never show."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instagram_core.domain.errors import DomainError
from instagram_core.domain.users import User
from tests.unit.conftest import World, new_world

NAMES = ("pal0", "pal1", "pal2", "pal3")
VERBS = ("follow", "approve", "post", "like", "comment", "story", "view", "block", "unblock")
ACTION = st.tuples(
    st.sampled_from(VERBS), st.integers(0, len(NAMES) - 1), st.integers(0, len(NAMES) - 1)
)
PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def engage(world: World, actor: User, other: User, verb: str) -> None:
    """Like, or comment on, the other's newest post."""
    for post in world.adapters.posts().by_author(other.user_id, None, 1, published_only=True):
        if verb == "like":
            world.core.engagement().like(actor.user_id, post.post_id)
        else:
            world.core.comments().add(actor.user_id, post.post_id, f"from {actor.username}")


def view_stories(world: World, actor: User, other: User) -> None:
    for story_id in own_story_ids(world, other):
        world.core.story_audience().view(actor.user_id, story_id)


def act(world: World, verb: str, actor: User, other: User) -> None:
    """One step; a step the rules refuse (a follow across a block, a like of a post one
    may not see) is simply refused, as the API would answer it."""
    core, uid = world.core, actor.user_id
    steps: dict[str, Callable[[], object]] = {
        "follow": lambda: core.social().follow(uid, other.username),
        "approve": lambda: core.social().approve(uid, other.username),
        "post": lambda: world.post(actor),
        "story": lambda: core.stories().create(uid, world.upload(actor, purpose="story")),
        "like": lambda: engage(world, actor, other, "like"),
        "comment": lambda: engage(world, actor, other, "comment"),
        "view": lambda: view_stories(world, actor, other),
        "block": lambda: actor == other or core.social().block(uid, other.username),
        "unblock": lambda: core.social().unblock(uid, other.username),
    }
    with contextlib.suppress(DomainError):
        steps[verb]()
    world.clock.advance(61)  # past the comment rate limit's window


def own_story_ids(world: World, owner: User) -> list[int]:
    return [s.story_id for s in world.adapters.stories().archived(owner.user_id, None, 50)]


def readable(read: object) -> Iterator[str]:
    """Call ``read``; the usernames it lists, or none when the read is refused."""
    try:
        yield from read()  # type: ignore[operator]
    except DomainError:
        return


def every_listed_name(world: World, viewer: User, users: list[User]) -> Iterator[str]:
    """Every account name any list shows ``viewer``."""
    core, uid = world.core, viewer.user_id
    for owner in users:
        for lister in (core.social().followers, core.social().following):
            yield from readable(
                lambda f=lister, o=owner: (u.username for u in f(uid, o.username, None, 50).items)
            )
        for post in world.adapters.posts().by_author(owner.user_id, None, 50, published_only=True):
            yield from readable(
                lambda p=post: (
                    c.author.username
                    for c in core.comments().thread(uid, p.post_id, None, 50).items
                )
            )
    yield from (u.username for u in core.social().pending_requests(uid, None, 50).items)
    yield from (r.user.username for r in core.search().search(uid, "pal", limit=50).users)
    for note in core.notifications().activity(uid, None, 50).items:
        yield from (a.username for a in note.actors)
    for story_id in own_story_ids(world, viewer):
        page = core.story_audience().viewers(uid, story_id, None, 50)
        yield from (entry.user.username for entry in page.items)


@PROPERTY
@given(
    actions=st.lists(ACTION, max_size=30),
    private=st.sets(st.integers(0, len(NAMES) - 1)),
)
def test_no_list_ever_shows_an_account_blocked_with_its_viewer(
    actions: list[tuple[str, int, int]], private: set[int]
) -> None:
    world = new_world()
    users = [world.register(name, private=i in private) for i, name in enumerate(NAMES)]
    for verb, a, b in actions:
        act(world, verb, users[a], users[b])
    restrictions = world.adapters.restrictions()
    for viewer in users:
        hidden = {
            u.username
            for u in users
            if u != viewer and restrictions.blocked_between(viewer.user_id, u.user_id)
        }
        shown = set(every_listed_name(world, viewer, users))
        assert not shown & hidden, (viewer.username, shown & hidden)


def test_the_lists_are_not_empty_to_begin_with() -> None:
    """The property above is not vacuous: without a block, each kind of list names the
    other accounts."""
    world = new_world()
    users = [world.register(name, private=i == 0) for i, name in enumerate(NAMES)]
    owner, fan = users[0], users[1]
    for verb, a, b in [
        ("follow", 1, 0), ("approve", 0, 1), ("post", 0, 0), ("story", 0, 0),
        ("like", 1, 0), ("comment", 1, 0), ("view", 1, 0), ("follow", 2, 0),
    ]:  # fmt: skip
        act(world, verb, users[a], users[b])
    shown = list(every_listed_name(world, owner, users))
    assert {"pal1", "pal2"} <= set(shown)
    assert shown.count("pal1") >= 5  # followers, comments, activity, viewers, search
    assert "pal0" in set(every_listed_name(world, fan, users))

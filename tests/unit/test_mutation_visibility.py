"""A post the viewer may not see does not exist for them: for any world (follows, privacy,
blocks, published and still-processing posts, ids that name nothing), reading it and every
mutation of it fail with the ``NotFound`` of an id that names nothing, whatever hides it,
and ``Forbidden`` answers only what the viewer can read but may not change."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st

from instagram_core.domain.errors import DomainError
from instagram_core.domain.users import User
from instagram_core.services.posts import NewPost
from tests.unit.conftest import World
from tests.unit.test_properties import ACTION, FAST, USERS, apply, fresh_world

Outcome = tuple[str, str] | None
NO_SUCH_POST = 987_654_321
HIDDEN = ("NotFound", "post not found")  # what an id that names nothing answers


def outcome(call: Callable[[], object]) -> Outcome:
    try:
        call()
    except DomainError as exc:
        return type(exc).__name__, exc.message
    return None


def mutations(world: World, viewer: User, post_id: int) -> dict[str, Callable[[], object]]:
    engagement, uid = world.core.engagement(), viewer.user_id
    return {
        "like": lambda: engagement.like(uid, post_id),
        "unlike": lambda: engagement.unlike(uid, post_id),
        "save": lambda: engagement.save(uid, post_id),
        "unsave": lambda: engagement.unsave(uid, post_id),
        "comment": lambda: world.core.comments().add(uid, post_id, "nice"),
        "delete": lambda: world.core.posts().delete(uid, post_id),  # last: it may succeed
    }


@FAST
@given(
    st.lists(ACTION, max_size=20),
    st.lists(st.integers(0, USERS - 1), max_size=2),
)
def test_a_mutation_fails_as_the_read_does_for_any_post_the_viewer_may_not_read(
    actions: list[tuple[str, int, int]], drafting: list[int]
) -> None:
    world = fresh_world()
    users = [world.register(f"user{i}") for i in range(USERS)]
    for action in actions:
        apply(world, users, action)
    with world.c.core.running_bus().paused():  # these posts stay ``processing``
        for author in drafting:
            media_id = world.upload(users[author])
            world.core.posts().create(users[author].user_id, NewPost([media_id]))
        authored = {
            p.post_id: p.author_id
            for u in users
            for p in world.adapters.posts().by_author(u.user_id, None, 100, published_only=False)
        }
        for viewer in users:
            for post_id in [*authored, NO_SUCH_POST]:
                read = outcome(lambda p=post_id, v=viewer: world.core.posts().get(v.user_id, p))
                assert read in (None, HIDDEN), (viewer.username, read)  # as if absent
                for name, mutate in mutations(world, viewer, post_id).items():
                    got = outcome(mutate)
                    world.clock.advance(61)  # keep the comment rate limit out of the way
                    if read is not None:
                        assert got == read, (name, viewer.username)
                    elif name == "delete" and authored[post_id] != viewer.user_id:
                        assert got is not None
                        assert got[0] == "Forbidden", (name, viewer.username)
                    else:
                        assert got is None, (name, viewer.username, got)

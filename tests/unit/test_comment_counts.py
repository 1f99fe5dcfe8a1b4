"""Comment counts kept per process under their posts' ``post:`` versions: a count is read
from the store once while its post's version is unchanged, a comment (through the service,
which bumps the version) is seen by the very next read, and every read answers as the store
does at that moment."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instagram_core.domain.errors import Unavailable
from instagram_core.ports.comments import CommentStore
from instagram_core.services.comment_counts import KeptCommentCounts
from tests.unit.conftest import World, new_world


class CountingComments:
    """The comment store's ``counts``, counting the posts it is asked about."""

    def __init__(self, inner: CommentStore) -> None:
        self._inner = inner
        self.asked = 0

    def counts(self, post_ids: Iterable[int]) -> Mapping[int, int]:
        wanted = list(post_ids)
        self.asked += len(wanted)
        return self._inner.counts(wanted)


class DownVersions:
    """Change versions whose store is unreachable."""

    retention_seconds = 3600.0

    def bump(self, keys: Iterable[str]) -> None:
        raise Unavailable("versions down")

    def read(self, keys: Sequence[str]) -> tuple[int, ...]:
        raise Unavailable("versions down")


def counts_of(
    world: World, versions: Any = None, **kwargs: Any
) -> tuple[KeptCommentCounts, CountingComments]:
    counting = CountingComments(world.adapters.comments())
    versions = versions or world.adapters.change_versions()
    kept = KeptCommentCounts(counting, versions, world.clock, **kwargs)  # type: ignore[arg-type]
    return kept, counting


def test_a_count_is_read_once_and_a_comment_is_seen_by_the_next_read(world: World) -> None:
    author, fan = world.register("author"), world.register("fan")
    ids = [world.post(author).post_id for _ in range(3)]
    kept, counting = counts_of(world)
    assert dict(kept.counts(ids)) == dict.fromkeys(ids, 0)
    assert dict(kept.counts(ids)) == dict.fromkeys(ids, 0)
    assert counting.asked == 3
    world.core.comments().add(fan.user_id, ids[1], "nice")
    assert dict(kept.counts(ids)) == {ids[0]: 0, ids[1]: 1, ids[2]: 0}
    assert counting.asked == 4  # only the commented post again


def test_without_versions_every_read_goes_to_the_store(world: World) -> None:
    post = world.post(world.register("author"))
    kept, counting = counts_of(world, DownVersions())
    for _ in range(3):
        assert dict(kept.counts([post.post_id])) == {post.post_id: 0}
    assert counting.asked == 3
    assert len(kept) == 0


def test_counts_expire_and_the_oldest_stored_are_evicted_first(world: World) -> None:
    author = world.register("author")
    ids = [world.post(author).post_id for _ in range(3)]
    kept, counting = counts_of(world, ttl=timedelta(seconds=10), max_posts=2)
    kept.counts(ids)
    assert len(kept) == 2  # the first stored was evicted
    kept.counts(ids[1:])
    assert counting.asked == 3
    world.clock.advance(11)
    kept.counts(ids[1:])
    assert counting.asked == 5


STEPS = st.lists(
    st.tuples(
        st.sampled_from(["post", "delete", "comment", "like", "read"]),
        st.integers(0, 1),
        st.integers(0, 5),
    ),
    max_size=30,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=STEPS)
def test_every_read_answers_as_the_store_does_now(steps: list[tuple[str, int, int]]) -> None:
    """Posts, deletions, comments and likes in any order: each read returns exactly the
    counts the store holds at that moment, for every id ever used (deleted ones included)."""
    world = new_world()
    authors = [world.register(f"author{n}") for n in range(2)]
    fan = world.register("fan")
    ids: list[int] = []
    kept, _ = counts_of(world)
    posts, comments = world.adapters.posts(), world.adapters.comments()
    for verb, who, pick in steps:
        alive = sorted(posts.get_many(ids))
        target = alive[pick % len(alive)] if alive else None
        if verb == "post":
            ids.append(world.post(authors[who]).post_id)
            world.clock.advance(1)
        elif verb == "delete" and target is not None:
            post = posts.get(target)
            assert post is not None
            world.core.posts().delete(post.author_id, target)
        elif verb == "comment" and target is not None:
            world.core.comments().add(fan.user_id, target, "nice")
        elif verb == "like" and target is not None:
            world.core.engagement().like(fan.user_id, target)
        assert dict(kept.counts(ids)) == dict(comments.counts(ids))

"""Post rows kept per process under their ``post:`` versions: a row is read from the store
once while its version is unchanged, and every change that bumps it (publishing, deleting,
a like, a comment) is seen by the very next read, exactly as the store would answer it, and
so are the ranker's facts kept with each row; the feed over the cached rows pages exactly
as the feed without them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instagram_core.domain.errors import Unavailable
from instagram_core.domain.posts import Post
from instagram_core.ports.posts import PostStore
from instagram_core.services.freshness import post_key
from instagram_core.services.post_rows import PostRows, RowFacts
from tests.unit.conftest import World, new_world


class CountingPosts:
    """The post store, counting the rows ``get_many`` reads."""

    def __init__(self, inner: PostStore) -> None:
        self._inner = inner
        self.rows_read = 0

    def get_many(self, post_ids: Iterable[int]) -> Mapping[int, Post]:
        found = self._inner.get_many(post_ids)
        self.rows_read += len(found)
        return found


class DownVersions:
    """Change versions whose store is unreachable."""

    retention_seconds = 3600.0

    def bump(self, keys: Iterable[str]) -> None:
        raise Unavailable("versions down")

    def read(self, keys: Sequence[str]) -> tuple[int, ...]:
        raise Unavailable("versions down")


def rows_of(world: World, versions: Any = None, **kwargs: Any) -> tuple[PostRows, CountingPosts]:
    counting = CountingPosts(world.adapters.posts())
    versions = versions or world.adapters.change_versions()
    return PostRows(counting, versions, world.clock, **kwargs), counting  # type: ignore[arg-type]


def test_a_row_is_read_once_while_its_version_is_unchanged(world: World) -> None:
    author = world.register("author")
    posts = [world.post(author) for _ in range(3)]
    ids = [p.post_id for p in posts]
    rows, counting = rows_of(world)
    assert rows.get_many(ids) == world.adapters.posts().get_many(ids)
    assert rows.get_many(ids) == world.adapters.posts().get_many(ids)
    assert counting.rows_read == 3
    world.adapters.change_versions().bump([post_key(ids[0])])  # a like, say
    assert rows.get_many([*ids, ids[0]]) == world.adapters.posts().get_many(ids)
    assert counting.rows_read == 4  # only the bumped row again


def test_a_like_and_a_deletion_are_seen_by_the_next_read(world: World) -> None:
    author, fan = world.register("author"), world.register("fan")
    post = world.post(author)
    rows, counting = rows_of(world)
    assert rows.get_many([post.post_id]) == {post.post_id: post}
    world.core.engagement().like(fan.user_id, post.post_id)
    assert rows.get_many([post.post_id]) == {post.post_id: post}
    assert counting.rows_read == 2  # the like bumped the post: read again
    world.core.posts().delete(author.user_id, post.post_id)
    assert rows.get_many([post.post_id]) == {}


class CountingFacts:
    """The ranker's read of row facts, counting the posts it is asked about."""

    def __init__(self, world: World) -> None:
        self._ranker = world.core.model_ranker()
        self.asked = 0

    def __call__(self, posts: Sequence[Post]) -> list[RowFacts]:
        self.asked += len(posts)
        facts: list[RowFacts] = self._ranker._row_facts(posts)
        return facts


def counts(facts: list[RowFacts]) -> list[tuple[int, int, bool]]:
    """Likes, comments and whether the first media is a video, of each row's facts."""
    return [(f[3], f[4], f[5]) for f in facts]


def test_a_rows_facts_are_kept_with_it_until_its_version_changes(world: World) -> None:
    author, fan = world.register("author"), world.register("fan")
    posts = [world.post(author) for _ in range(2)]
    ids = [p.post_id for p in posts]
    rows, _ = rows_of(world)
    read = CountingFacts(world)
    first = list(rows.get_many(ids).values())
    assert counts(rows.facts(first, read)) == [(0, 0, False), (0, 0, False)]
    assert counts(rows.facts(first, read)) == [(0, 0, False), (0, 0, False)]
    assert read.asked == 2  # kept with the rows
    world.core.engagement().like(fan.user_id, ids[0])
    world.core.comments().add(fan.user_id, ids[0], "nice")
    again = rows.get_many(ids)
    assert counts(rows.facts([again[i] for i in ids], read)) == [(1, 1, False), (0, 0, False)]
    assert read.asked == 3  # only the bumped row's facts again
    copy = attrs.evolve(first[1])  # equal, but not the row kept: its facts are read
    assert counts(rows.facts([copy], read)) == [(0, 0, False)]
    assert read.asked == 4


def test_without_versions_every_read_goes_to_the_store(world: World) -> None:
    post = world.post(world.register("author"))
    rows, counting = rows_of(world, DownVersions())
    for _ in range(3):
        assert rows.get_many([post.post_id]) == {post.post_id: post}
    assert counting.rows_read == 3
    assert len(rows) == 0


def test_rows_expire_and_the_oldest_stored_are_evicted_first(world: World) -> None:
    author = world.register("author")
    ids = [world.post(author).post_id for _ in range(3)]
    rows, counting = rows_of(world, ttl=timedelta(seconds=10), max_posts=2)
    rows.get_many(ids)
    assert len(rows) == 2  # the first stored was evicted
    rows.get_many(ids[1:])
    assert counting.rows_read == 3
    world.clock.advance(11)
    rows.get_many(ids[1:])
    assert counting.rows_read == 5


STEPS = st.lists(
    st.tuples(
        st.sampled_from(["post", "delete", "like", "unlike", "comment", "read"]),
        st.integers(0, 1),
        st.integers(0, 5),
    ),
    max_size=30,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=STEPS)
def test_every_read_answers_as_the_store_does_now(steps: list[tuple[str, int, int]]) -> None:
    """Posts, deletions, likes and comments in any order: each read returns exactly the
    rows the store holds at that moment, for every id ever used (deleted ones included)."""
    world = new_world()
    authors = [world.register(f"author{n}") for n in range(2)]
    fan = world.register("fan")
    ids: list[int] = []
    rows, _ = rows_of(world)
    read = CountingFacts(world)
    store = world.adapters.posts()
    for verb, who, pick in steps:
        alive = sorted(store.get_many(ids))
        target = alive[pick % len(alive)] if alive else None
        if verb == "post":
            ids.append(world.post(authors[who]).post_id)
            world.clock.advance(1)
        elif verb == "delete" and target is not None:
            post = store.get(target)
            assert post is not None
            world.core.posts().delete(post.author_id, target)
        elif verb == "like" and target is not None:
            world.core.engagement().like(fan.user_id, target)
        elif verb == "unlike" and target is not None:
            world.core.engagement().unlike(fan.user_id, target)
        elif verb == "comment" and target is not None:
            world.core.comments().add(fan.user_id, target, "nice")
        found = rows.get_many(ids)
        assert found == store.get_many(ids)
        # The ranker's facts kept with the rows are what the stores answer now.
        assert rows.facts(list(found.values()), read) == read(list(found.values()))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=STEPS)
def test_the_feed_over_cached_rows_pages_as_the_uncached_feed(
    steps: list[tuple[str, int, int]],
) -> None:
    """The same world read by the feed with the cached rows and by the feed without them
    (chronological ranking, so the order depends on the rows alone): every first page is
    the same, whatever posts, deletions, likes and comments came between reads."""
    world = new_world()
    authors = [world.register(f"author{n}") for n in range(2)]
    fan = world.register("fan")
    for author in authors:
        world.follow(fan, author)
    cached = world.core.feed()
    assert cached._rows is not None  # the container wires the rows in
    plain = _without_rows(cached)
    ids: list[int] = []
    store = world.adapters.posts()
    for verb, who, pick in steps:
        alive = sorted(store.get_many(ids))
        target = alive[pick % len(alive)] if alive else None
        if verb == "post":
            ids.append(world.post(authors[who]).post_id)
            world.clock.advance(1)
        elif verb == "delete" and target is not None:
            post = store.get(target)
            assert post is not None
            world.core.posts().delete(post.author_id, target)
        elif verb in ("like", "unlike") and target is not None:
            getattr(world.core.engagement(), verb)(fan.user_id, target)
        elif verb == "comment" and target is not None:
            world.core.comments().add(fan.user_id, target, "nice")
        with_rows = cached.home(fan.user_id, None, 4)
        without = plain.home(fan.user_id, None, 4)
        assert [v.post_id for v in with_rows.items] == [v.post_id for v in without.items]
        assert with_rows.items == without.items


def _without_rows(feed: Any) -> Any:
    """A copy of the feed service reading every row from the store."""
    plain = object.__new__(type(feed))
    plain.__dict__.update(feed.__dict__)
    plain._rows = None
    return plain

"""Contract of :class:`~instagram_core.ports.StoryPollStore`, run against every adapter."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from instagram_adapters.cassandra.story_polls import CassandraStoryPollStore
from instagram_adapters.memory.story_polls import InMemoryStoryPollStore
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_adapters.sqlite.story_polls import SqliteStoryPollStore
from instagram_core.ports import StoryPollStore
from tests.cassandra_support import fresh_session


@pytest.fixture(params=["memory", "sqlite", "cassandra"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoryPollStore]:
    if request.param == "memory":
        yield InMemoryStoryPollStore()
        return
    if request.param == "cassandra":
        yield CassandraStoryPollStore(fresh_session(request, "story_polls"))
        return
    db = SqliteDatabase(tmp_path / "polls.db")
    yield SqliteStoryPollStore(db)
    db.close()


def test_one_vote_per_voter_and_the_first_stays(store: StoryPollStore) -> None:
    assert store.vote(1, "bob", 0)
    assert not store.vote(1, "bob", 1)
    assert store.vote_of(1, "bob") == 0
    assert store.vote_of(1, "cat") is None
    assert store.vote_of(2, "bob") is None


def test_counts_per_option_per_story(store: StoryPollStore) -> None:
    for voter, option in [("a", 0), ("b", 1), ("c", 1), ("d", 3)]:
        store.vote(1, voter, option)
    store.vote(2, "a", 2)
    assert dict(store.counts(1)) == {0: 1, 1: 2, 3: 1}
    assert dict(store.counts(2)) == {2: 1}
    assert dict(store.counts(3)) == {}


def test_racing_votes_by_one_voter_count_once(store: StoryPollStore) -> None:
    results: list[bool] = []
    barrier = threading.Barrier(6)

    def vote(option: int) -> None:
        barrier.wait()
        results.append(store.vote(4, "bob", option % 2))

    threads = [threading.Thread(target=vote, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 1
    assert sum(store.counts(4).values()) == 1
    assert store.vote_of(4, "bob") in {0, 1}

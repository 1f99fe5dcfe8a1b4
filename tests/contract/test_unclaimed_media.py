"""Contract of :class:`~instagram_core.ports.abandoned_uploads.UnclaimedMedia` (what the upload
sweeper asks of a media store), run against every media store adapter."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from instagram_adapters.cassandra.media import CassandraMediaStore
from instagram_adapters.memory.media import InMemoryMediaStore
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_adapters.sqlite.media import SqliteMediaStore
from instagram_core.ports.abandoned_uploads import UnclaimedMedia
from instagram_core.testing.media import T0, make_media
from tests.cassandra_support import fresh_session

HOUR = timedelta(hours=1)


@pytest.fixture(params=["memory", "sqlite", "cassandra"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[UnclaimedMedia]:
    if request.param == "memory":
        yield InMemoryMediaStore()
        return
    if request.param == "cassandra":
        yield CassandraMediaStore(fresh_session(request, "media"))
        return
    database = SqliteDatabase(tmp_path / "media.db")
    yield SqliteMediaStore(database)
    database.close()


def test_unclaimed_lists_only_unclaimed_media_created_strictly_before(
    store: UnclaimedMedia,
) -> None:
    store.add(make_media(1, created_at=T0))
    store.add(make_media(2, created_at=T0 + HOUR))
    store.add(make_media(3, created_at=T0, post_id=30))  # claimed
    assert [m.media_id for m in store.unclaimed(T0, 10)] == []
    assert [m.media_id for m in store.unclaimed(T0 + HOUR, 10)] == [1]
    assert [m.media_id for m in store.unclaimed(T0 + 2 * HOUR, 10)] == [1, 2]


def test_unclaimed_is_oldest_first_ties_by_id_and_at_most_the_limit(
    store: UnclaimedMedia,
) -> None:
    for media_id, hours in ((5, 2), (4, 0), (9, 1), (7, 0)):
        store.add(make_media(media_id, created_at=T0 + hours * HOUR))
    cutoff = T0 + 3 * HOUR
    assert [m.media_id for m in store.unclaimed(cutoff, 10)] == [4, 7, 9, 5]
    assert [m.media_id for m in store.unclaimed(cutoff, 2)] == [4, 7]
    assert list(store.unclaimed(cutoff, 0)) == []
    assert store.unclaimed(cutoff, 1)[0] == make_media(4, created_at=T0)  # whole records


def test_delete_unclaimed_deletes_only_unclaimed_media(store: UnclaimedMedia) -> None:
    store.add(make_media(1))
    store.add(make_media(2, post_id=20))
    assert store.delete_unclaimed(1) is True
    assert store.get(1) is None
    assert store.delete_unclaimed(1) is False  # already gone
    assert store.delete_unclaimed(2) is False  # claimed: untouched
    assert store.get(2) == make_media(2, post_id=20)
    assert store.delete_unclaimed(99) is False


def test_after_delete_unclaimed_no_claim_succeeds(store: UnclaimedMedia) -> None:
    store.add(make_media(1))
    assert store.delete_unclaimed(1)
    assert store.attach(1, 10) is False


def test_a_claim_racing_the_delete_wins_or_loses_whole(store: UnclaimedMedia) -> None:
    """Claim and delete at once, many times: either the post has the media (and it was
    not deleted) or it was deleted (and the claim failed), never both, never neither."""
    for media_id in range(1, 101):
        store.add(make_media(media_id))
        claimed, deleted = _race(store, media_id)
        assert claimed != deleted, media_id
        found = store.get(media_id)
        assert (found is not None and found.post_id == 7) == claimed


def _race(store: UnclaimedMedia, media_id: int) -> tuple[bool, bool]:
    """``attach`` and ``delete_unclaimed`` released together from two threads."""
    results: dict[str, bool] = {}
    barrier = threading.Barrier(2)

    def claim() -> None:
        barrier.wait()
        results["claimed"] = store.attach(media_id, 7)

    def delete() -> None:
        barrier.wait()
        results["deleted"] = store.delete_unclaimed(media_id)

    threads = [threading.Thread(target=claim), threading.Thread(target=delete)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results["claimed"], results["deleted"]

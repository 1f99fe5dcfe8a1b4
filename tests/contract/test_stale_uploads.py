"""Contract of :class:`~instagram_core.ports.abandoned_uploads.StaleUploads`, run against
every adapter (S3 on a moto server), with time moved by a manual clock. Then the local-disk
adapter's own scraps: staged files and manifest-less upload directories.

S3 stamps an upload with its own time, so the clock here starts at the real time (to the
second): "before the clock's start" and "an hour after it" then mean the same to every
adapter. moto, though, stamps every upload 2010-11-10T20:48:33Z (a constant in its
response template), so against moto an upload is always old: the one assertion that needs
a true stamp is made only where the adapter has one, and
``test_moto_stamps_every_multipart_upload_in_2010`` pins the gap. The S3 cut-off is still
tested on both sides: the S3 tests below put "now" next to that known stamp, through the
clock port."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest

from instagram_adapters.local_disk import LocalDiskBlobStore
from instagram_adapters.local_disk.multipart import LocalDiskMultipartUploads
from instagram_adapters.memory.blobs import InMemoryBlobStore
from instagram_adapters.memory.clock import ManualClock
from instagram_adapters.memory.media import InMemoryMediaStore
from instagram_adapters.memory.multipart import InMemoryMultipartUploads
from instagram_adapters.s3 import S3MultipartUploads
from instagram_core.ports.abandoned_uploads import StaleUploads
from instagram_core.ports.blobs import BlobStore
from instagram_core.ports.multipart import MultipartUploads
from instagram_core.services.upload_sweeper import UploadSweeper
from tests.contract.s3_buckets import fresh_store
from tests.contract.test_blob_store import SECRET

KEY = "u1/2024/05/42/original.mp4"
OTHER_KEY = "u1/2024/05/43/original.mp4"
HOUR = timedelta(hours=1)
MOTO_STAMP = datetime(2010, 11, 10, 20, 48, 33, tzinfo=UTC)  # every upload's, on moto


@attrs.frozen
class World:
    stale: StaleUploads
    uploads: MultipartUploads
    blobs: BlobStore
    true_stamps: bool = True  # False on moto (see the module docstring)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture(params=["memory", "local_disk", "s3"])
def world(request: pytest.FixtureRequest, tmp_path: Path, clock: ManualClock) -> Iterator[World]:
    if request.param == "memory":
        memory_blobs = InMemoryBlobStore(SECRET, clock)
        memory = InMemoryMultipartUploads(memory_blobs, SECRET, clock)
        yield World(memory, memory, memory_blobs)
    elif request.param == "local_disk":
        disk_blobs = LocalDiskBlobStore(tmp_path / "blobs", SECRET, clock)
        disk = LocalDiskMultipartUploads(disk_blobs, SECRET, clock)
        yield World(disk, disk, disk_blobs)
    else:
        with fresh_store(request.getfixturevalue("s3_endpoint")) as s3:
            yield World(s3, S3MultipartUploads(s3), s3, true_stamps=False)


def test_nothing_is_pending_in_a_new_store(world: World, clock: ManualClock) -> None:
    assert list(world.stale.pending_uploads(clock.now() + HOUR)) == []


def test_an_upload_is_pending_only_once_started_strictly_before_the_cutoff(
    world: World, clock: ManualClock
) -> None:
    start = clock.now()
    upload_id = world.uploads.start(KEY, "video/mp4")
    if world.true_stamps:
        assert list(world.stale.pending_uploads(start)) == []  # started at or after it
    clock.advance(HOUR)
    (pending,) = world.stale.pending_uploads(clock.now())
    assert (pending.key, pending.upload_id) == (KEY, upload_id)
    assert pending.started_at < clock.now()
    if world.true_stamps:
        assert start <= pending.started_at


def test_pending_uploads_are_listed_oldest_first_with_their_keys(
    world: World, clock: ManualClock
) -> None:
    first = world.uploads.start(KEY, "video/mp4")
    clock.advance(HOUR)
    second = world.uploads.start(OTHER_KEY, "video/mp4")
    clock.advance(HOUR)
    pending = list(world.stale.pending_uploads(clock.now()))
    assert {(p.key, p.upload_id) for p in pending} == {(KEY, first), (OTHER_KEY, second)}
    assert [p.started_at for p in pending] == sorted(p.started_at for p in pending)


def test_completed_and_aborted_uploads_are_not_pending(world: World, clock: ManualClock) -> None:
    kept = world.uploads.start(KEY, "video/mp4")
    aborted = world.uploads.start(KEY, "video/mp4")
    world.uploads.abort(KEY, aborted)
    clock.advance(HOUR)
    assert [p.upload_id for p in world.stale.pending_uploads(clock.now())] == [kept]
    world.uploads.abort(KEY, kept)  # what the sweeper does with a listed one
    assert list(world.stale.pending_uploads(clock.now())) == []


def test_purging_scraps_never_touches_objects_or_pending_uploads(
    world: World, clock: ManualClock
) -> None:
    world.blobs.put(KEY, b"stored", "video/mp4")
    upload_id = world.uploads.start(OTHER_KEY, "video/mp4")
    clock.advance(timedelta(days=30))
    assert world.stale.purge_scraps(clock.now()) >= 0
    assert world.blobs.get(KEY) == b"stored"
    assert [p.upload_id for p in world.stale.pending_uploads(clock.now())] == [upload_id]
    assert world.uploads.parts(OTHER_KEY, upload_id) == []


def test_moto_stamps_every_multipart_upload_in_2010(s3_endpoint: str) -> None:
    """Pins moto's gap (module docstring). If this fails, moto stamps uploads truly: drop
    ``true_stamps`` and make the assertions it guards unconditional."""
    with fresh_store(s3_endpoint) as s3:
        s3.start_multipart(KEY, "video/mp4")
        (pending,) = s3.pending_uploads(datetime.now(UTC))
        assert pending.started_at == MOTO_STAMP


def test_s3_lists_an_upload_only_when_started_strictly_before_the_cutoff(
    s3_endpoint: str,
) -> None:
    """moto's fixed stamp is a known ``Initiated``: cut-offs on both sides of it exercise
    the S3 adapter's own comparison (and its parsing of S3's time)."""
    with fresh_store(s3_endpoint) as s3:
        upload_id = s3.start_multipart(KEY, "video/mp4")
        second = timedelta(seconds=1)
        assert s3.pending_uploads(MOTO_STAMP - second) == []
        assert s3.pending_uploads(MOTO_STAMP) == []  # started at the cut-off: not before it
        (pending,) = s3.pending_uploads(MOTO_STAMP + timedelta(microseconds=1))
        assert (pending.key, pending.upload_id, pending.started_at) == (
            KEY,
            upload_id,
            MOTO_STAMP,
        )


def test_the_sweeper_aborts_an_s3_upload_only_once_it_is_older_than_the_age(
    s3_endpoint: str,
) -> None:
    """The whole path on S3 (moto), with "now" injected through the clock port: at exactly
    the age the upload stays; a second later the sweep aborts it at S3."""
    age = timedelta(hours=24)
    with fresh_store(s3_endpoint) as s3:
        multipart = S3MultipartUploads(s3)
        upload_id = multipart.start(KEY, "video/mp4")
        clock = ManualClock(MOTO_STAMP + age)
        sweeper = UploadSweeper(clock, InMemoryMediaStore(), s3, s3, multipart, max_age=age)
        assert sweeper.sweep().uploads_aborted == 0
        assert [p.upload_id for p in s3.pending_uploads(MOTO_STAMP + age)] == [upload_id]
        clock.advance(timedelta(seconds=1))
        assert sweeper.sweep().uploads_aborted == 1
        assert s3.pending_uploads(clock.now()) == []


# --- local disk: what crashes leave in the staging directory ---------------------------


@pytest.fixture
def disk(
    tmp_path: Path, clock: ManualClock
) -> tuple[LocalDiskBlobStore, LocalDiskMultipartUploads]:
    blobs = LocalDiskBlobStore(tmp_path / "blobs", SECRET, clock)
    return blobs, LocalDiskMultipartUploads(blobs, SECRET, clock)


def _age(path: Path, moment: datetime) -> None:
    os.utime(path, (moment.timestamp(), moment.timestamp()))


def test_local_disk_purges_staged_files_older_than_the_cutoff_only(
    disk: tuple[LocalDiskBlobStore, LocalDiskMultipartUploads], clock: ManualClock
) -> None:
    blobs, uploads = disk
    old, fresh = blobs.staging / "stage-old", blobs.staging / "stage-fresh"
    old.write_bytes(b"half a write")
    fresh.write_bytes(b"a write in progress")
    _age(old, clock.now() - 2 * HOUR)
    assert uploads.purge_scraps(clock.now() - HOUR) == 1
    assert not old.exists()
    assert fresh.exists()
    assert uploads.purge_scraps(clock.now() - HOUR) == 0  # nothing left that old


def test_local_disk_purges_an_upload_directory_left_without_its_manifest(
    disk: tuple[LocalDiskBlobStore, LocalDiskMultipartUploads], clock: ManualClock
) -> None:
    blobs, uploads = disk
    orphan = blobs.staging / "uploads" / ("a" * 32)
    orphan.mkdir()
    (orphan / "stage-x").write_bytes(b"part of a part")
    _age(orphan, clock.now() - 2 * HOUR)
    assert list(uploads.pending_uploads(clock.now())) == []  # no key: not an upload
    assert uploads.purge_scraps(clock.now() - HOUR) == 1
    assert not orphan.exists()


def test_local_disk_counts_a_manifest_without_a_start_from_its_modification_time(
    disk: tuple[LocalDiskBlobStore, LocalDiskMultipartUploads], clock: ManualClock
) -> None:
    """Uploads begun before the manifest recorded its start are still swept."""
    blobs, uploads = disk
    upload_id = uploads.start(KEY, "video/mp4")
    manifest = blobs.staging / "uploads" / upload_id / "upload.json"
    manifest.write_text(json.dumps({"key": KEY, "content_type": "video/mp4"}))
    _age(manifest, clock.now() - 3 * HOUR)
    assert list(uploads.pending_uploads(clock.now() - 4 * HOUR)) == []
    (pending,) = uploads.pending_uploads(clock.now() - 2 * HOUR)
    assert (pending.upload_id, pending.started_at) == (upload_id, clock.now() - 3 * HOUR)

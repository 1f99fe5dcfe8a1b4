"""Contract of :class:`~instagram_core.ports.multipart.MultipartUploads`, run against every
adapter (S3 on a moto server) with each one's own way of sending a part: an HTTP PUT to S3,
the ``/blobs`` edge's verify-then-store calls for the others. Then the local-disk adapter's
own URL checks, limits and staging files."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

import attrs
import httpx
import pytest

from instagram_adapters.local_disk import LocalDiskBlobStore
from instagram_adapters.local_disk.multipart import LocalDiskMultipartUploads
from instagram_adapters.memory.blobs import InMemoryBlobStore
from instagram_adapters.memory.multipart import InMemoryMultipartUploads
from instagram_adapters.s3 import S3MultipartUploads
from instagram_core.domain.errors import Forbidden, InvalidInput, NotFound, PayloadTooLarge
from instagram_core.ports.blobs import BlobStore
from instagram_core.ports.multipart import MIN_PART_SIZE, MultipartUploads, UploadedPart
from tests.contract.s3_buckets import fresh_store, pin_signing_clock
from tests.contract.test_blob_store import SECRET, T0, ManualClock, query

KEY = "u1/2024/05/42/original.mp4"
OTHER_KEY = "u1/2024/05/43/original.mp4"
UNKNOWN_ID = "0" * 32  # well-formed for every adapter, issued by none
PARTS = [bytes([n]) * MIN_PART_SIZE for n in (1, 2)] + [b"tail of the video"]
WHOLE = b"".join(PARTS)


class PartReceiver(Protocol):
    """What the ``/blobs`` edge calls for a part PUT (local disk and memory)."""

    def verify_part(
        self, key: str, upload_id: str, part: str, expires: str, max_bytes: str, sig: str
    ) -> tuple[int, int]: ...

    def put_part(
        self, key: str, upload_id: str, part_number: int, chunks: list[bytes], max_bytes: int
    ) -> UploadedPart: ...


def edge_sender(receiver: PartReceiver) -> Callable[[str, bytes], None]:
    """Send a part the way the ``/blobs`` edge stores it."""

    def send(url: str, data: bytes) -> None:
        q = query(url)
        key = unquote(urlsplit(url).path.removeprefix("/blobs/"))
        number, limit = receiver.verify_part(
            key, q["upload"], q["part"], q["expires"], q["max"], q["sig"]
        )
        receiver.put_part(key, q["upload"], number, [data], limit)

    return send


def http_sender(url: str, data: bytes) -> None:
    httpx.put(url, content=data).raise_for_status()


@attrs.frozen
class World:
    uploads: MultipartUploads
    blobs: BlobStore
    transport: Callable[[str, bytes], None]

    def send(self, upload_id: str, number: int, data: bytes | None = None) -> None:
        url = self.uploads.part_url(KEY, upload_id, number, 900).url
        self.transport(url, PARTS[number - 1] if data is None else data)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture(params=["memory", "local_disk", "s3"])
def world(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[World]:
    if request.param == "memory":
        memory_blobs = InMemoryBlobStore(SECRET, clock)
        memory = InMemoryMultipartUploads(memory_blobs, SECRET, clock)
        yield World(memory, memory_blobs, edge_sender(memory))
    elif request.param == "local_disk":
        disk_blobs = LocalDiskBlobStore(tmp_path / "blobs", SECRET, clock)
        disk = LocalDiskMultipartUploads(disk_blobs, SECRET, clock)
        yield World(disk, disk_blobs, edge_sender(disk))
    else:
        pin_signing_clock(monkeypatch, clock)
        with fresh_store(request.getfixturevalue("s3_endpoint")) as s3:
            yield World(S3MultipartUploads(s3), s3, http_sender)


def etag(data: bytes) -> str:
    return f'"{hashlib.md5(data).hexdigest()}"'


# --- the port's contract ---------------------------------------------------------------


def test_an_interrupted_upload_resumes_from_the_stored_parts(world: World) -> None:
    upload_id = world.uploads.start(KEY, "video/mp4")
    assert world.uploads.parts(KEY, upload_id) == []
    world.send(upload_id, 1)
    world.send(upload_id, 2)
    # the connection drops; the client asks where to resume
    stored = world.uploads.parts(KEY, upload_id)
    assert stored == [UploadedPart(n, len(PARTS[n - 1]), etag(PARTS[n - 1])) for n in (1, 2)]
    assert world.blobs.info(KEY) is None  # nothing at the key until complete
    world.send(upload_id, 3)
    parts = world.uploads.parts(KEY, upload_id)
    world.uploads.complete(KEY, upload_id, list(reversed(parts)))  # any order
    assert world.blobs.get(KEY) == WHOLE
    info = world.blobs.info(KEY)
    assert info is not None
    assert (info.size, info.content_type) == (len(WHOLE), "video/mp4")
    with pytest.raises(NotFound):
        world.uploads.parts(KEY, upload_id)


def test_parts_may_arrive_out_of_order(world: World) -> None:
    upload_id = world.uploads.start(KEY, "video/mp4")
    for number in (3, 1, 2):
        world.send(upload_id, number)
    parts = world.uploads.parts(KEY, upload_id)
    assert [p.part_number for p in parts] == [1, 2, 3]
    world.uploads.complete(KEY, upload_id, parts)
    assert world.blobs.get(KEY) == WHOLE


def test_a_part_sent_again_replaces_the_earlier_one(world: World) -> None:
    upload_id = world.uploads.start(KEY, "video/mp4")
    world.send(upload_id, 1, b"x" * MIN_PART_SIZE)
    world.send(upload_id, 1)  # the retry, with the bytes meant all along
    world.send(upload_id, 2, b"short")
    world.send(upload_id, 2, b"short")  # the same bytes twice: idempotent
    parts = world.uploads.parts(KEY, upload_id)
    assert [(p.part_number, p.etag) for p in parts] == [(1, etag(PARTS[0])), (2, etag(b"short"))]
    world.uploads.complete(KEY, upload_id, parts)
    assert world.blobs.get(KEY) == PARTS[0] + b"short"


def test_complete_replaces_an_existing_object(world: World) -> None:
    world.blobs.put(KEY, b"previous", "video/quicktime")
    upload_id = world.uploads.start(KEY, "video/mp4")
    world.send(upload_id, 1, b"new")
    assert world.blobs.get(KEY) == b"previous"
    world.uploads.complete(KEY, upload_id, world.uploads.parts(KEY, upload_id))
    assert world.blobs.get(KEY) == b"new"


def test_an_unknown_upload_is_not_found(world: World) -> None:
    with pytest.raises(NotFound):
        world.uploads.parts(KEY, UNKNOWN_ID)
    with pytest.raises(NotFound):
        world.uploads.complete(KEY, UNKNOWN_ID, [UploadedPart(1, 3, etag(b"abc"))])
    world.uploads.abort(KEY, UNKNOWN_ID)  # a no-op


def test_an_upload_is_not_found_under_another_key(
    world: World, request: pytest.FixtureRequest
) -> None:
    if isinstance(world.uploads, S3MultipartUploads):
        reason = "moto ignores the key of ListParts; S3 scopes an upload id to its key"
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))
    upload_id = world.uploads.start(KEY, "video/mp4")
    world.send(upload_id, 1)
    with pytest.raises(NotFound):
        world.uploads.parts(OTHER_KEY, upload_id)
    world.uploads.abort(OTHER_KEY, upload_id)
    assert len(world.uploads.parts(KEY, upload_id)) == 1


def test_abort_discards_the_upload_and_can_be_repeated(world: World) -> None:
    upload_id = world.uploads.start(KEY, "video/mp4")
    world.send(upload_id, 1)
    world.uploads.abort(KEY, upload_id)
    world.uploads.abort(KEY, upload_id)
    with pytest.raises(NotFound):
        world.uploads.parts(KEY, upload_id)
    assert world.blobs.info(KEY) is None


def test_complete_refuses_a_missing_or_mismatched_part(world: World) -> None:
    upload_id = world.uploads.start(KEY, "video/mp4")
    world.send(upload_id, 1)
    world.send(upload_id, 2)
    first, second = world.uploads.parts(KEY, upload_id)
    refused = [
        [],
        [first, attrs.evolve(second, etag=etag(b"other bytes"))],
        [first, second, UploadedPart(3, 17, etag(PARTS[2]))],  # never sent
        [first, first],
    ]
    for parts in refused:
        with pytest.raises(InvalidInput):
            world.uploads.complete(KEY, upload_id, parts)
    assert world.blobs.info(KEY) is None
    assert world.uploads.parts(KEY, upload_id) == [first, second]  # still resumable


def test_every_part_but_the_last_needs_the_minimum_size(world: World) -> None:
    upload_id = world.uploads.start(KEY, "video/mp4")
    world.send(upload_id, 1, b"too small")
    world.send(upload_id, 2)
    with pytest.raises(InvalidInput):
        world.uploads.complete(KEY, upload_id, world.uploads.parts(KEY, upload_id))
    assert world.blobs.info(KEY) is None


@pytest.mark.parametrize("number", [0, 10_001])
def test_part_numbers_run_from_1_to_10000(world: World, number: int) -> None:
    upload_id = world.uploads.start(KEY, "video/mp4")
    with pytest.raises(InvalidInput):
        world.uploads.part_url(KEY, upload_id, number, 60)


def test_part_url_expires_when_asked(world: World) -> None:
    upload_id = world.uploads.start(KEY, "video/mp4")
    url = world.uploads.part_url(KEY, upload_id, 1, 900)
    assert KEY in unquote(url.url)
    expected = T0 + timedelta(seconds=900)
    assert expected <= url.expires_at <= expected + timedelta(seconds=1)


# --- local disk and memory: their signed part URLs --------------------------------------


@pytest.fixture(params=["memory", "local_disk"])
def edge(
    request: pytest.FixtureRequest, tmp_path: Path, clock: ManualClock
) -> LocalDiskMultipartUploads | InMemoryMultipartUploads:
    if request.param == "memory":
        return InMemoryMultipartUploads(InMemoryBlobStore(SECRET, clock), SECRET, clock)
    return LocalDiskMultipartUploads(
        LocalDiskBlobStore(tmp_path / "blobs", SECRET, clock), SECRET, clock
    )


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda q: {**q, "sig": "0" * 64}, id="signature"),
        pytest.param(lambda q: {**q, "part": "2"}, id="part-number"),
        pytest.param(lambda q: {**q, "upload": "1" * 32}, id="upload-id"),
        pytest.param(lambda q: {**q, "max": str(10**12)}, id="max-bytes"),
        pytest.param(lambda q: {**q, "expires": str(int(q["expires"]) + 60)}, id="expiry"),
    ],
)
def test_a_tampered_part_url_is_forbidden(
    edge: LocalDiskMultipartUploads | InMemoryMultipartUploads,
    tamper: Callable[[dict[str, str]], dict[str, str]],
) -> None:
    upload_id = edge.start(KEY, "video/mp4")
    q = tamper(query(edge.part_url(KEY, upload_id, 1, 900).url))
    with pytest.raises(Forbidden):
        edge.verify_part(KEY, q["upload"], q["part"], q["expires"], q["max"], q["sig"])
    q = query(edge.part_url(KEY, upload_id, 1, 900).url)
    with pytest.raises(Forbidden):  # nor for another key
        edge.verify_part(OTHER_KEY, q["upload"], q["part"], q["expires"], q["max"], q["sig"])


def test_a_part_url_expires_by_the_clock(
    edge: LocalDiskMultipartUploads | InMemoryMultipartUploads, clock: ManualClock
) -> None:
    upload_id = edge.start(KEY, "video/mp4")
    q = query(edge.part_url(KEY, upload_id, 4, 60).url)
    assert edge.verify_part(KEY, upload_id, q["part"], q["expires"], q["max"], q["sig"])[0] == 4
    clock.advance(61)
    with pytest.raises(Forbidden, match="expired"):
        edge.verify_part(KEY, upload_id, q["part"], q["expires"], q["max"], q["sig"])


def test_a_part_over_the_limit_or_for_a_gone_upload_is_refused(
    edge: LocalDiskMultipartUploads | InMemoryMultipartUploads,
) -> None:
    upload_id = edge.start(KEY, "video/mp4")
    with pytest.raises(PayloadTooLarge):
        edge.put_part(KEY, upload_id, 1, [b"abc", b"def"], 5)
    assert edge.parts(KEY, upload_id) == []
    edge.abort(KEY, upload_id)
    with pytest.raises(NotFound):
        edge.put_part(KEY, upload_id, 1, [b"abc"], 5)
    with pytest.raises(NotFound):  # not an id we could have issued
        edge.put_part(KEY, "../../u1", 1, [b"abc"], 5)


def test_a_part_whose_stream_breaks_is_not_stored(
    edge: LocalDiskMultipartUploads | InMemoryMultipartUploads,
) -> None:
    def broken() -> Iterator[bytes]:
        yield b"half a part"
        raise ConnectionError("the client went away")

    upload_id = edge.start(KEY, "video/mp4")
    edge.put_part(KEY, upload_id, 1, [b"kept"], 100)
    with pytest.raises(ConnectionError):
        edge.put_part(KEY, upload_id, 1, broken(), 100)
    with pytest.raises(ConnectionError):
        edge.put_part(KEY, upload_id, 2, broken(), 100)
    assert edge.parts(KEY, upload_id) == [UploadedPart(1, 4, etag(b"kept"))]


def test_local_parts_live_in_staging_and_leave_nothing_behind(
    tmp_path: Path, clock: ManualClock
) -> None:
    blobs = LocalDiskBlobStore(tmp_path / "blobs", SECRET, clock)
    uploads = LocalDiskMultipartUploads(blobs, SECRET, clock)
    staging = tmp_path / "blobs" / ".tmp" / "uploads"
    done, dropped = uploads.start(KEY, "video/mp4"), uploads.start(KEY, "video/mp4")
    for upload_id in (done, dropped):
        uploads.put_part(KEY, upload_id, 1, [b"part one"], 100)
    with pytest.raises(PayloadTooLarge):
        uploads.put_part(KEY, done, 2, [b"x" * 101], 100)
    assert sorted(p.name for p in (staging / done).iterdir()) == [
        f"00001.{hashlib.md5(b'part one').hexdigest()}.part",
        "upload.json",
    ]
    uploads.complete(KEY, done, uploads.parts(KEY, done))
    uploads.abort(KEY, dropped)
    assert list(staging.iterdir()) == []
    assert [p.name for p in (tmp_path / "blobs" / ".tmp").iterdir()] == ["uploads"]
    assert blobs.get(KEY) == b"part one"


def test_local_whole_upload_urls_and_part_urls_are_not_interchangeable(
    tmp_path: Path, clock: ManualClock
) -> None:
    blobs = LocalDiskBlobStore(tmp_path / "blobs", SECRET, clock)
    uploads = LocalDiskMultipartUploads(blobs, SECRET, clock)
    upload_id = uploads.start(KEY, "video/mp4")
    whole = query(blobs.presign_upload(KEY, "video/mp4", 100, 900).url)
    with pytest.raises(Forbidden):
        uploads.verify_part(KEY, upload_id, "1", whole["expires"], whole["max"], whole["sig"])
    part = query(uploads.part_url(KEY, upload_id, 1, 900).url)
    with pytest.raises(Forbidden):
        blobs.verify_upload(KEY, part["expires"], "video/mp4", part["max"], part["sig"], "x/y")

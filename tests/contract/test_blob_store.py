"""Contract of :class:`~instagram_core.ports.blobs.BlobStore`, run against every adapter
(S3 on a moto server), then the local-disk adapter's own URL verification, key safety and
atomicity. The S3 adapter's own tests are in ``test_s3_blob_store.py``."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from instagram_adapters.local_disk import LocalDiskBlobStore
from instagram_adapters.memory.blobs import InMemoryBlobStore
from instagram_core.domain.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
)
from instagram_core.ports.blobs import BlobStore, PresignedUpload
from tests.contract.s3_buckets import fresh_store, pin_signing_clock

T0 = datetime(2024, 5, 1, 12, 0, 0, 250000, tzinfo=UTC)
SECRET = b"test-secret-of-32-bytes-exactly!"
KEY = "u1/2024/05/42/thumb_150.jpg"


class ManualClock:
    """A clock that moves only when the test says so."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def now(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def local(tmp_path: Path, clock: ManualClock) -> LocalDiskBlobStore:
    return LocalDiskBlobStore(tmp_path / "blobs", SECRET, clock)


@pytest.fixture(params=["memory", "local_disk", "s3"])
def store(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[BlobStore]:
    if request.param == "memory":
        yield InMemoryBlobStore(SECRET, clock)
    elif request.param == "local_disk":
        yield LocalDiskBlobStore(tmp_path / "blobs", SECRET, clock)
    else:  # a fresh bucket on moto; its own tests are in test_s3_blob_store.py
        pin_signing_clock(monkeypatch, clock)
        with fresh_store(request.getfixturevalue("s3_endpoint")) as s3:
            yield s3


def query(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def key_of(url: str) -> str:
    return unquote(urlsplit(url).path.removeprefix("/blobs/"))


# --- the port's contract ---------------------------------------------------------------


def test_a_serving_store_answers_the_readiness_ping(store: BlobStore) -> None:
    store.ping()


def test_put_then_get_returns_the_bytes(store: BlobStore) -> None:
    store.put(KEY, b"\xff\xd8 jpeg bytes", "image/jpeg")
    assert store.get(KEY) == b"\xff\xd8 jpeg bytes"


def test_info_gives_size_and_the_content_type_given_to_put(store: BlobStore) -> None:
    store.put("u1/2024/05/42/original.heic", b"x" * 1234, "image/heic")
    store.put("u1/2024/05/42/blurhash.txt", b"L8BWJ89u", "text/plain; charset=utf-8")
    info = store.info("u1/2024/05/42/original.heic")
    assert info is not None
    assert (info.size, info.content_type) == (1234, "image/heic")
    text = store.info("u1/2024/05/42/blurhash.txt")
    assert text is not None
    assert text.content_type == "text/plain; charset=utf-8"


def test_an_empty_object_is_an_object(store: BlobStore) -> None:
    store.put(KEY, b"", "image/jpeg")
    assert store.get(KEY) == b""
    info = store.info(KEY)
    assert info is not None
    assert info.size == 0


def test_missing_key_get_raises_not_found_and_info_is_none(store: BlobStore) -> None:
    with pytest.raises(NotFound):
        store.get(KEY)
    assert store.info(KEY) is None


def test_a_prefix_of_keys_is_not_an_object(store: BlobStore) -> None:
    store.put(KEY, b"a", "image/jpeg")
    with pytest.raises(NotFound):
        store.get("u1/2024/05")
    assert store.info("u1/2024/05/42") is None


def test_put_replaces_bytes_and_content_type(store: BlobStore) -> None:
    store.put(KEY, b"old and longer", "image/png")
    store.put(KEY, b"new", "image/jpeg")
    assert store.get(KEY) == b"new"
    info = store.info(KEY)
    assert info is not None
    assert (info.size, info.content_type) == (3, "image/jpeg")


def test_delete_prefix_deletes_exactly_the_prefix(store: BlobStore) -> None:
    names = ["original.jpg", "thumb_150.jpg", "large_1080.jpg", "blurhash.txt"]
    for name in names:
        store.put(f"u1/2024/05/4/{name}", name.encode(), "image/jpeg")
    store.put("u1/2024/05/42/original.jpg", b"sibling whose id starts alike", "image/jpeg")
    store.put("u2/2024/05/4/original.jpg", b"another user", "image/jpeg")

    assert store.delete_prefix("u1/2024/05/4/") == len(names)

    for name in names:
        assert store.info(f"u1/2024/05/4/{name}") is None
    assert store.get("u1/2024/05/42/original.jpg") == b"sibling whose id starts alike"
    assert store.get("u2/2024/05/4/original.jpg") == b"another user"


def test_delete_prefix_reaches_nested_keys(store: BlobStore) -> None:
    store.put("u1/2024/05/1/a.jpg", b"1", "image/jpeg")
    store.put("u1/2024/06/2/b.jpg", b"2", "image/jpeg")
    assert store.delete_prefix("u1/") == 2
    assert store.info("u1/2024/06/2/b.jpg") is None


def test_delete_prefix_with_nothing_under_it_returns_zero(store: BlobStore) -> None:
    assert store.delete_prefix("nobody/2024/05/1/") == 0
    store.put(KEY, b"x", "image/jpeg")
    assert store.delete_prefix(KEY + "/") == 0
    assert store.get(KEY) == b"x"


def test_a_key_can_be_stored_again_after_its_prefix_is_deleted(store: BlobStore) -> None:
    store.put(KEY, b"first", "image/jpeg")
    store.delete_prefix("u1/")
    store.put(KEY, b"second", "image/jpeg")
    assert store.get(KEY) == b"second"


def test_delete_prefix_requires_a_trailing_slash(store: BlobStore) -> None:
    store.put(KEY, b"x", "image/jpeg")
    with pytest.raises(InvalidInput):
        store.delete_prefix("u1/2024/05/42")
    assert store.get(KEY) == b"x"


def test_presign_upload_has_url_expiry_and_headers(store: BlobStore) -> None:
    upload = store.presign_upload(KEY, "image/jpeg", 10_000_000, 900)
    assert isinstance(upload, PresignedUpload)
    assert KEY in unquote(upload.url)
    assert upload.headers == {"Content-Type": "image/jpeg"}
    assert upload.expires_at.tzinfo is not None
    expected = T0 + timedelta(seconds=900)
    assert expected <= upload.expires_at <= expected + timedelta(seconds=1)


def test_presigned_urls_differ_per_key(store: BlobStore) -> None:
    first = store.presign_upload(KEY, "image/jpeg", 1000, 900).url
    second = store.presign_upload(KEY.replace("42", "43"), "image/jpeg", 1000, 900).url
    assert first != second


def test_download_url_names_the_key_and_differs_per_key(store: BlobStore) -> None:
    url = store.download_url(KEY, 3600)
    assert KEY in unquote(url)
    assert url != store.download_url(KEY.replace("thumb_150", "small_320"), 3600)


# --- local disk: signed URLs -----------------------------------------------------------


def upload_params(local: LocalDiskBlobStore, content_type: str = "image/jpeg") -> dict[str, str]:
    return query(local.presign_upload(KEY, content_type, 5000, 900).url)


def test_local_verify_upload_accepts_its_own_url(local: LocalDiskBlobStore) -> None:
    upload = local.presign_upload(KEY, "image/jpeg", 5000, 900)
    q = query(upload.url)
    max_bytes = local.verify_upload(
        key_of(upload.url), q["expires"], q["ct"], q["max"], q["sig"], "image/jpeg"
    )
    assert max_bytes == 5000


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda q: {**q, "sig": "0" * 64}, id="signature"),
        pytest.param(lambda q: {**q, "sig": q["sig"][:-1]}, id="short-signature"),
        pytest.param(lambda q: {**q, "max": "50000"}, id="max-bytes"),
        pytest.param(lambda q: {**q, "max": "05000"}, id="max-bytes-leading-zero"),
        pytest.param(lambda q: {**q, "ct": "image/png"}, id="content-type"),
        pytest.param(lambda q: {**q, "expires": str(int(q["expires"]) + 3600)}, id="expiry"),
        pytest.param(lambda q: {**q, "expires": "soon"}, id="garbled-expiry"),
    ],
)
def test_local_tampered_upload_url_is_forbidden(
    local: LocalDiskBlobStore, tamper: Callable[[dict[str, str]], dict[str, str]]
) -> None:
    q = tamper(upload_params(local))
    with pytest.raises(Forbidden):
        local.verify_upload(KEY, q["expires"], q["ct"], q["max"], q["sig"], q["ct"])


def test_local_upload_url_for_one_key_does_not_work_for_another(
    local: LocalDiskBlobStore,
) -> None:
    q = upload_params(local)
    with pytest.raises(Forbidden):
        local.verify_upload(
            "u2/2024/05/42/thumb_150.jpg", q["expires"], q["ct"], q["max"], q["sig"], q["ct"]
        )


def test_local_upload_url_expires_by_the_injected_clock(
    local: LocalDiskBlobStore, clock: ManualClock
) -> None:
    q = upload_params(local)
    clock.advance(900)
    assert local.verify_upload(KEY, q["expires"], q["ct"], q["max"], q["sig"], q["ct"]) == 5000
    clock.advance(1)
    with pytest.raises(Forbidden, match="expired"):
        local.verify_upload(KEY, q["expires"], q["ct"], q["max"], q["sig"], q["ct"])


def test_local_upload_with_another_content_type_is_invalid(local: LocalDiskBlobStore) -> None:
    q = upload_params(local)
    assert local.verify_upload(KEY, q["expires"], q["ct"], q["max"], q["sig"], "Image/JPEG; x=1")
    with pytest.raises(InvalidInput):
        local.verify_upload(KEY, q["expires"], q["ct"], q["max"], q["sig"], "text/html")


def test_local_download_url_is_stable_within_its_bucket_and_then_expires(
    local: LocalDiskBlobStore, clock: ManualClock
) -> None:
    url = local.download_url(KEY, 600)
    clock.advance(60)
    assert local.download_url(KEY, 600) == url
    q = query(url)
    expires = int(q["expires"])
    assert expires % 3600 == 0
    assert expires >= T0.timestamp() + 600
    local.verify_download(key_of(url), q["expires"], q["sig"])
    clock.advance(expires - clock.now().timestamp() + 1)
    with pytest.raises(Forbidden):
        local.verify_download(KEY, q["expires"], q["sig"])


def test_local_download_signature_is_bound_to_key_and_expiry(local: LocalDiskBlobStore) -> None:
    q = query(local.download_url(KEY, 600))
    with pytest.raises(Forbidden):
        local.verify_download("u1/2024/05/42/original.jpg", q["expires"], q["sig"])
    with pytest.raises(Forbidden):
        local.verify_download(KEY, str(int(q["expires"]) + 3600), q["sig"])
    upload = upload_params(local)
    with pytest.raises(Forbidden):  # an upload signature is no download signature
        local.verify_download(KEY, upload["expires"], upload["sig"])


def test_local_urls_quote_unusual_keys(local: LocalDiskBlobStore) -> None:
    key = "u1/2024/05/42/photo with space?&#.jpg"
    url = local.download_url(key, 60)
    assert key_of(url) == key
    local.verify_download(key, query(url)["expires"], query(url)["sig"])


# --- local disk: keys, streaming, atomicity ---------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        "",
        "/etc/passwd",
        "../escape.jpg",
        "u1/../../escape.jpg",
        "u1/./thumb.jpg",
        "u1//thumb.jpg",
        "u1/thumb.jpg/",
        "u1\\..\\escape.jpg",
        "u1/thumb\x00.jpg",
        "u1/line\nbreak.jpg",
        ".meta/u1/thumb.jpg.json",
        "u1/" + "x" * 256,
    ],
)
def test_local_unsafe_keys_are_refused(local: LocalDiskBlobStore, key: str) -> None:
    with pytest.raises(InvalidInput):
        local.put(key, b"x", "image/jpeg")
    with pytest.raises(InvalidInput):
        local.get(key)
    with pytest.raises(InvalidInput):
        local.presign_upload(key, "image/jpeg", 10, 60)
    with pytest.raises(InvalidInput):
        local.download_url(key, 60)


def test_local_traversal_writes_nothing_outside_the_root(
    tmp_path: Path, local: LocalDiskBlobStore
) -> None:
    with pytest.raises(InvalidInput):
        local.put("../outside.jpg", b"x", "image/jpeg")
    assert not (tmp_path / "outside.jpg").exists()


def test_local_unsafe_prefix_is_refused(local: LocalDiskBlobStore) -> None:
    for prefix in ("/", "../", "u1/../", "/u1/"):
        with pytest.raises(InvalidInput):
            local.delete_prefix(prefix)


def test_local_objects_are_plain_files_at_their_key(
    tmp_path: Path, local: LocalDiskBlobStore
) -> None:
    local.put(KEY, b"pixels", "image/jpeg")
    assert local.path_for(KEY) == (tmp_path / "blobs" / KEY).resolve()
    assert local.path_for(KEY).read_bytes() == b"pixels"
    with pytest.raises(NotFound):
        local.path_for("u1/2024/05/42/missing.jpg")


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_local_put_stream_counts_and_stores(local: LocalDiskBlobStore) -> None:
    size = local.put_stream(KEY, iter([b"ab", b"", b"cde"]), "image/jpeg", max_bytes=5)
    assert size == 5
    assert local.get(KEY) == b"abcde"


def test_local_put_stream_over_the_limit_leaves_nothing(
    tmp_path: Path, local: LocalDiskBlobStore
) -> None:
    root = tmp_path / "blobs"
    with pytest.raises(PayloadTooLarge):
        local.put_stream(KEY, iter([b"abc", b"def"]), "image/jpeg", max_bytes=5)
    assert stored_files(root) == []
    assert sorted(p.name for p in root.iterdir()) == [".tmp"]


def test_local_put_stream_over_the_limit_keeps_the_previous_object(
    local: LocalDiskBlobStore,
) -> None:
    local.put(KEY, b"previous", "image/png")
    with pytest.raises(PayloadTooLarge):
        local.put_stream(KEY, iter([b"x" * 10]), "image/jpeg", max_bytes=9)
    assert local.get(KEY) == b"previous"
    info = local.info(KEY)
    assert info is not None
    assert info.content_type == "image/png"


def test_local_failed_stream_leaves_no_staging_file(
    tmp_path: Path, local: LocalDiskBlobStore
) -> None:
    def broken() -> Iterator[bytes]:
        yield b"partial"
        raise ConnectionError("client went away")

    with pytest.raises(ConnectionError):
        local.put_stream(KEY, broken(), "image/jpeg", max_bytes=100)
    assert stored_files(tmp_path / "blobs") == []


def test_local_delete_prefix_removes_sidecars_and_empty_directories(
    tmp_path: Path, local: LocalDiskBlobStore
) -> None:
    local.put(KEY, b"x", "image/jpeg")
    local.put("u1/2024/05/42/original.jpg", b"y", "image/jpeg")
    assert local.delete_prefix("u1/2024/05/42/") == 2
    root = tmp_path / "blobs"
    assert stored_files(root) == []
    assert not (root / "u1").exists()
    assert not (root / ".meta" / "u1").exists()


def test_local_a_key_under_another_key_is_a_conflict(
    tmp_path: Path, local: LocalDiskBlobStore
) -> None:
    local.put("u1/file", b"x", "image/jpeg")
    with pytest.raises(Conflict):
        local.put("u1/file/nested.jpg", b"y", "image/jpeg")
    with pytest.raises(Conflict):
        local.put("u1", b"z", "image/jpeg")
    assert local.get("u1/file") == b"x"
    assert [p.name for p in stored_files(tmp_path / "blobs" / ".meta")] == ["file.json"]


def test_local_replace_is_atomic_for_concurrent_readers(
    tmp_path: Path, local: LocalDiskBlobStore
) -> None:
    versions = [bytes([n]) * 256_000 for n in range(2)]
    local.put(KEY, versions[0], "image/jpeg")
    torn: list[int] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            data = local.get(KEY)
            if data not in versions:
                torn.append(len(data))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for n in range(40):
            local.put(KEY, versions[n % 2], "image/jpeg")
    finally:
        done.set()
        reader.join()
    assert torn == []
    assert stored_files(tmp_path / "blobs" / ".tmp") == []


def test_local_secret_must_be_long_enough(tmp_path: Path, clock: ManualClock) -> None:
    with pytest.raises(ValueError, match="secret"):
        LocalDiskBlobStore(tmp_path, b"short", clock)


def test_read_head_gives_the_first_bytes(store: BlobStore) -> None:
    store.put(KEY, b"0123456789", "image/jpeg")
    assert store.read_head(KEY, 4) == b"0123"
    assert store.read_head(KEY, 100) == b"0123456789"
    with pytest.raises(NotFound):
        store.read_head("u1/2024/05/42/missing.jpg", 4)

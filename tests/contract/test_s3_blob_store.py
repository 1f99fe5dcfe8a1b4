"""The S3 store's own behaviour, against moto's server: presigned URLs used over HTTP, key
checks, ranged reads and bounded delete batches (bucket set-up and lifecycle are in
``test_s3_bucket.py``, error translation in ``test_s3_faults.py``).

What moto's server does not check, so these tests cannot catch mistakes there (real S3 and
MinIO check all of it):

- SigV4 presigned URLs are not verified at all: a tampered ``X-Amz-Signature``, a URL past
  ``X-Amz-Date`` + ``X-Amz-Expires`` and a PUT whose Content-Type differs from the signed
  ``content-type`` header all succeed. moto compares Content-Type only for SigV2 URLs (a
  ``content-type`` query parameter), and only while the key does not exist yet.
- Authorization headers of SDK calls are not verified either (unless IAM emulation is
  switched on with ``INITIAL_NO_AUTH_ACTION_COUNT``), so any credentials work.
- Lifecycle rules are stored but never applied: nothing expires.
- Completing an aborted or unknown multipart upload is a 500 (an internal ``KeyError``),
  not S3's ``NoSuchUpload``.

What moto does check: an unsigned request for a private object is refused, missing keys,
buckets and uploads, the 5 MiB minimum of multipart parts, part ETags on completion, the
region rules of CreateBucket. ``test_moto_accepts_what_s3_refuses`` pins the first gap, so
this list stays true; what our code controls (the expiry and signed headers it asks for) is
tested on the URLs themselves. docs/engines.md says the same for readers of the docs.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from instagram_adapters.s3 import S3BlobStore
from instagram_core.domain.errors import InvalidInput, NotFound
from tests.contract.s3_buckets import fresh_store

KEY = "u1/2024/05/42/thumb_150.jpg"
SIGV4_DATE = "%Y%m%dT%H%M%SZ"


@pytest.fixture
def s3(s3_endpoint: str) -> Iterator[S3BlobStore]:
    with fresh_store(s3_endpoint) as store:
        yield store


def params(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def signed_window(url: str) -> tuple[datetime, datetime]:
    """When the URL was signed and when S3 stops honouring it, as S3 reads them."""
    q = params(url)
    signed = datetime.strptime(q["X-Amz-Date"], SIGV4_DATE).replace(tzinfo=UTC)
    return signed, signed + timedelta(seconds=int(q["X-Amz-Expires"]))


# --- presigned URLs over HTTP ----------------------------------------------------------


def test_s3_presigned_put_stores_the_upload(s3: S3BlobStore) -> None:
    upload = s3.presign_upload(KEY, "image/jpeg", 1000, 60)
    response = httpx.put(upload.url, content=b"\xff\xd8 jpeg", headers=upload.headers)
    assert response.status_code == 200
    assert s3.get(KEY) == b"\xff\xd8 jpeg"
    info = s3.info(KEY)
    assert info is not None
    assert (info.size, info.content_type) == (7, "image/jpeg")


def test_s3_presigned_put_signs_the_content_type(s3: S3BlobStore) -> None:
    """A signed header is what makes S3 refuse a PUT with another Content-Type."""
    url = s3.presign_upload(KEY, "image/jpeg", 1000, 60).url
    assert "content-type" in params(url)["X-Amz-SignedHeaders"].split(";")


def test_s3_presigned_get_serves_the_object(s3: S3BlobStore) -> None:
    s3.put(KEY, b"pixels", "image/jpeg")
    response = httpx.get(s3.download_url(KEY, 60))
    assert response.status_code == 200
    assert response.content == b"pixels"
    assert response.headers["content-type"] == "image/jpeg"


def test_s3_unsigned_request_for_an_object_is_refused(s3: S3BlobStore) -> None:
    s3.put(KEY, b"private", "image/jpeg")
    unsigned = s3.download_url(KEY, 60).split("?", 1)[0]
    assert httpx.get(unsigned).status_code == 403


@pytest.mark.parametrize("make_url", ["download", "upload"])
def test_s3_urls_encode_at_least_the_requested_expiry(s3: S3BlobStore, make_url: str) -> None:
    before = datetime.now(UTC)
    if make_url == "download":
        url, expires_at = s3.download_url(KEY, 600), None
    else:
        upload = s3.presign_upload(KEY, "image/jpeg", 1000, 600)
        url, expires_at = upload.url, upload.expires_at
    after = datetime.now(UTC)
    signed, expires = signed_window(url)
    assert before - timedelta(seconds=1) < signed <= after
    assert params(url)["X-Amz-Expires"] == "601"  # one second for X-Amz-Date's truncation
    assert before + timedelta(seconds=600) <= expires <= after + timedelta(seconds=601)
    assert expires_at in (None, expires)


@pytest.mark.parametrize("expires_in", [0, 7 * 24 * 3600])
def test_s3_expiry_outside_what_sigv4_allows_is_refused(s3: S3BlobStore, expires_in: int) -> None:
    with pytest.raises(InvalidInput):
        s3.download_url(KEY, expires_in)
    with pytest.raises(InvalidInput):
        s3.presign_upload(KEY, "image/jpeg", 1000, expires_in)


def tamper_signature(url: str) -> str:
    head, _, signature = url.rpartition("X-Amz-Signature=")
    return f"{head}X-Amz-Signature={'0' * len(signature)}"


def backdate(url: str) -> str:
    signed = params(url)["X-Amz-Date"]
    old = (datetime.strptime(signed, SIGV4_DATE) - timedelta(days=30)).strftime(SIGV4_DATE)
    return url.replace(f"X-Amz-Date={signed}", f"X-Amz-Date={old}")


def put_as_html(s3: S3BlobStore) -> httpx.Response:
    upload = s3.presign_upload(KEY, "image/jpeg", 1000, 60)
    return httpx.put(upload.url, content=b"<html>", headers={"Content-Type": "text/html"})


def get_through(change: Callable[[str], str]) -> Callable[[S3BlobStore], httpx.Response]:
    def get(s3: S3BlobStore) -> httpx.Response:
        s3.put(KEY, b"x", "image/jpeg")
        return httpx.get(change(s3.download_url(KEY, 60)))

    return get


@pytest.mark.parametrize(
    "request_s3",
    [
        pytest.param(put_as_html, id="other-content-type"),
        pytest.param(get_through(tamper_signature), id="tampered-signature"),
        pytest.param(get_through(backdate), id="expired"),
    ],
)
def test_moto_accepts_what_s3_refuses(
    s3: S3BlobStore, request_s3: Callable[[S3BlobStore], httpx.Response]
) -> None:
    """Pins moto's gaps listed in the module docstring. If this fails, moto has started
    checking: turn the case into a refusal test and update docs/engines.md."""
    assert request_s3(s3).status_code == 200


# --- keys, reads, deletes --------------------------------------------------------------


@pytest.mark.parametrize(
    "key", ["", "/etc/passwd", "../escape.jpg", "u1//thumb.jpg", "u1/thumb.jpg/", "u1/\x00.jpg"]
)
def test_s3_refuses_the_keys_every_store_refuses(s3: S3BlobStore, key: str) -> None:
    for call in (
        lambda: s3.put(key, b"x", "image/jpeg"),
        lambda: s3.get(key),
        lambda: s3.info(key),
        lambda: s3.presign_upload(key, "image/jpeg", 10, 60),
        lambda: s3.download_url(key, 60),
    ):
        with pytest.raises(InvalidInput):
            call()


def test_s3_read_head_is_a_ranged_read(s3: S3BlobStore) -> None:
    s3.put(KEY, b"0123456789", "image/jpeg")
    s3.put("u1/empty.jpg", b"", "image/jpeg")
    assert s3.read_head(KEY, 4) == b"0123"
    assert s3.read_head(KEY, 100) == b"0123456789"
    assert s3.read_head(KEY, 0) == b""
    assert s3.read_head("u1/empty.jpg", 16) == b""
    for length in (16, 0):
        with pytest.raises(NotFound):
            s3.read_head("u1/missing.jpg", length)


@pytest.mark.slow
def test_s3_delete_prefix_crosses_pages_and_batches(s3: S3BlobStore) -> None:
    keys = [f"u1/2024/05/{n}/original.jpg" for n in range(1005)]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda key: s3.put(key, b"x", "image/jpeg"), keys))
    s3.put("u2/2024/05/1/original.jpg", b"kept", "image/jpeg")
    assert s3.delete_prefix("u1/") == len(keys)
    assert s3.info(keys[-1]) is None
    assert s3.get("u2/2024/05/1/original.jpg") == b"kept"

"""Serving stored files on the embedded profile's ``/blobs`` edge: signed and expiring URLs,
immutable caching with a strong ETag (304 on revalidation), the stored content type, and
byte ranges (206 / 416) so video players can seek."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image

from tests.integration.conftest import Api, local
from tests.support import jpeg_bytes

KEY = "u1/2024/05/42/video_720.mp4"
VIDEO = os.urandom(300_000)  # bytes stand in for a video: serving never decodes them
IMMUTABLE = "public, max-age=31536000, immutable"
PRIVATE = "private, no-store"


@pytest.fixture
def url(api: Api) -> str:
    api.container.adapters.blobs().put(KEY, VIDEO, "video/mp4")
    return local(api.container.adapters.blobs().download_url(KEY, 600))


def test_a_whole_file_is_cacheable_forever_with_a_strong_etag(api: Api, url: str) -> None:
    response = api.client.get(url)
    assert response.status_code == 200
    assert response.content == VIDEO
    assert response.headers["content-type"] == "video/mp4"
    assert response.headers["cache-control"] == IMMUTABLE
    assert response.headers["accept-ranges"] == "bytes"
    etag = response.headers["etag"]
    assert etag.startswith('"')  # strong: no W/
    assert api.client.get(url).headers["etag"] == etag


def test_revalidation_with_the_etag_is_304(api: Api, url: str) -> None:
    etag = api.client.get(url).headers["etag"]
    for header in (etag, f'"other", {etag}', f"W/{etag}", "*"):
        cached = api.client.get(url, headers={"If-None-Match": header})
        assert cached.status_code == 304, header
        assert cached.content == b""
        assert (cached.headers["etag"], cached.headers["cache-control"]) == (etag, IMMUTABLE)
    assert api.client.get(url, headers={"If-None-Match": '"stale"'}).status_code == 200


def test_a_replaced_file_gets_a_new_etag(api: Api, url: str) -> None:
    etag = api.client.get(url).headers["etag"]
    api.container.adapters.blobs().put(KEY, VIDEO[:1000], "video/mp4")
    fresh = api.client.get(url, headers={"If-None-Match": etag})
    assert fresh.status_code == 200
    assert fresh.headers["etag"] != etag


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=1000-", 1000, len(VIDEO) - 1),
        ("bytes=-500", len(VIDEO) - 500, len(VIDEO) - 1),
        ("bytes=299990-400000", 299_990, len(VIDEO) - 1),  # clipped to the end
    ],
)
def test_a_range_is_206_with_exactly_those_bytes(
    api: Api, url: str, header: str, first: int, last: int
) -> None:
    response = api.client.get(url, headers={"Range": header})
    assert response.status_code == 206
    assert response.content == VIDEO[first : last + 1]
    assert response.headers["content-range"] == f"bytes {first}-{last}/{len(VIDEO)}"
    assert response.headers["content-length"] == str(last - first + 1)
    assert response.headers["content-type"] == "video/mp4"
    assert response.headers["cache-control"] == IMMUTABLE


@pytest.mark.parametrize("header", [f"bytes={len(VIDEO)}-", "bytes=-0"])
def test_a_range_past_the_end_is_416(api: Api, url: str, header: str) -> None:
    response = api.client.get(url, headers={"Range": header})
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{len(VIDEO)}"


@pytest.mark.parametrize("header", ["bytes=0-1,5-9", "items=0-4", "bytes=9-2", "bytes=x-"])
def test_ranges_we_do_not_serve_give_the_whole_file(api: Api, url: str, header: str) -> None:
    response = api.client.get(url, headers={"Range": header})
    assert (response.status_code, response.content) == (200, VIDEO)


def test_if_range_resumes_only_an_unchanged_file(api: Api, url: str) -> None:
    etag = api.client.get(url).headers["etag"]
    same = api.client.get(url, headers={"Range": "bytes=0-9", "If-Range": etag})
    assert (same.status_code, same.content) == (206, VIDEO[:10])
    changed = api.client.get(url, headers={"Range": "bytes=0-9", "If-Range": '"old"'})
    assert (changed.status_code, changed.content) == (200, VIDEO)


def test_download_urls_are_signed(api: Api, url: str) -> None:
    """Expiry itself is tested on the store, whose clock a test can move."""
    assert api.client.get(url.replace("video_720.mp4", "thumb_150.jpg")).status_code == 403
    assert api.client.get(url.replace("sig=", "sig=0")).status_code == 403
    assert api.client.get(url.replace("expires=", "expires=9")).status_code == 403
    assert api.client.get(url.partition("?")[0]).status_code == 422


def test_a_stored_variant_serves_ranges_and_revalidates(api: Api) -> None:
    alice = api.register("alice")
    post = api.publish(alice, jpeg_bytes(1600, 1200))
    assert post["status"] == "published", post
    url = local(post["media"][0]["variants"]["large_1080"]["url"])
    whole = api.client.get(url)
    assert whole.headers["content-type"] == "image/jpeg"
    assert whole.headers["cache-control"] == IMMUTABLE
    assert Image.open(io.BytesIO(whole.content)).size == (1080, 810)
    head = api.client.get(url, headers={"Range": "bytes=0-1"})
    assert (head.status_code, head.content) == (206, b"\xff\xd8")  # the JPEG marker
    revalidated = api.client.get(url, headers={"If-None-Match": whole.headers["etag"]})
    assert revalidated.status_code == 304


def test_every_variant_is_served_immutable_with_its_own_type_and_the_original_never(
    api: Api,
) -> None:
    """Each rendition of a published photo (both formats of every size, and the
    blurhash) is cacheable for a year; an original, which keeps the camera's EXIF and
    is never handed to viewers, is kept by no cache even if a URL to it is signed."""
    alice = api.register("alice")
    post = api.publish(alice, jpeg_bytes(1600, 1200))
    media = api.container.adapters.media().get(int(post["media"][0]["media_id"]))
    assert media is not None
    blobs = api.container.adapters.blobs()
    served = [(v.key, v.content_type) for v in media.variants]
    served.append((media.key("blurhash.txt"), "text/plain"))
    assert {t for _, t in served} >= {"image/jpeg", "image/webp", "text/plain"}
    for key, content_type in served:
        response = api.client.get(local(blobs.download_url(key, 600)))
        assert response.status_code == 200, key
        assert response.headers["cache-control"] == IMMUTABLE, key
        assert response.headers["content-type"].startswith(content_type), key
    original = local(blobs.download_url(media.original_key, 600))
    whole = api.client.get(original)
    assert (whole.status_code, whole.headers["cache-control"]) == (200, PRIVATE)
    again = api.client.get(original, headers={"If-None-Match": whole.headers["etag"]})
    assert (again.status_code, again.headers["cache-control"]) == (304, PRIVATE)
    ranged = api.client.get(original, headers={"Range": "bytes=0-1"})
    assert (ranged.status_code, ranged.headers["cache-control"]) == (206, PRIVATE)

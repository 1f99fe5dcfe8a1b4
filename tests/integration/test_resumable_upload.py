"""Resumable uploads through the HTTP API: a photo over 8 MB sent in parts, interrupted,
resumed from the parts the server lists, completed and published, on the embedded profile
(parts PUT to the ``/blobs`` edge) and on the production one (parts PUT straight to S3)."""

from __future__ import annotations

import io
import os
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient
from PIL import Image

from instagram_core.ports.multipart import PART_SIZE
from instagram_entrypoints.containers import build_container
from instagram_entrypoints.http.app import create_app
from tests.integration.conftest import Api, embedded_settings, local

pytestmark = pytest.mark.slow
MIB = 1024 * 1024


@cache
def big_png() -> bytes:
    """A ~17 MB PNG of noise (it does not compress): three parts, 6 megapixels, well
    within the 30 MB and 100 MP limits."""
    image = Image.frombytes("RGB", (2400, 2400), os.urandom(2400 * 2400 * 3))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def reserve(api: Api, auth: dict[str, str]) -> str:
    """A media id from the ordinary ticket; its single-PUT URL goes unused."""
    ticket = api.client.get(
        "/api/v1/media/upload-url", params={"content_type": "image/png"}, headers=auth
    )
    assert ticket.status_code == 200, ticket.text
    return str(ticket.json()["media_id"])


def put_part(api: Api, auth: dict[str, str], base: str, number: int, data: bytes) -> str:
    """Ask for part ``number``'s URL and PUT it wherever it points; returns the ETag."""
    signed = api.client.post(f"{base}/{number}/url", headers=auth)
    assert signed.status_code == 200, signed.text
    url, headers = signed.json()["url"], signed.json()["headers"]
    if url.startswith(api.container.config.blob_base_url()):
        response = api.client.put(local(url), content=data, headers=headers)
    else:
        response = httpx.put(url, content=data, headers=headers)
    assert response.status_code == 200, response.text
    return str(response.headers["ETag"])


def upload_interrupted_then_resumed(api: Api, auth: dict[str, str]) -> tuple[str, bytes]:
    data = big_png()
    media_id = reserve(api, auth)
    started = api.client.post(f"/api/v1/media/{media_id}/parts", headers=auth)
    assert started.status_code == 201, started.text
    upload_id, part_size = started.json()["upload_id"], started.json()["part_size"]
    assert part_size == PART_SIZE
    chunks = [data[at : at + part_size] for at in range(0, len(data), part_size)]
    assert len(chunks) == 3
    base = f"/api/v1/media/{media_id}/parts/{upload_id}"
    etags = {1: put_part(api, auth, base, 1, chunks[0])}
    # the connection drops here; later the app asks where to resume
    listed = api.client.get(base, headers=auth).json()["parts"]
    assert listed == [{"part_number": 1, "size": part_size, "etag": etags[1]}]
    for number in range(len(listed) + 1, len(chunks) + 1):
        etags[number] = put_part(api, auth, base, number, chunks[number - 1])
    body = {"parts": [{"part_number": n, "etag": etag} for n, etag in etags.items()]}
    completed = api.client.post(f"{base}/complete", json=body, headers=auth)
    assert completed.status_code == 200, completed.text
    assert completed.json() == {"media_id": media_id, "size": len(data)}
    assert api.client.get(base, headers=auth).status_code == 404  # the upload is done
    return media_id, data


def publish(api: Api, auth: dict[str, str], media_id: str) -> dict[str, Any]:
    created = api.client.post("/api/v1/posts", json={"media_ids": [media_id]}, headers=auth)
    assert created.status_code == 201, created.text
    post = api.wait_until_done(auth, created.json()["post_id"], timeout=60)
    assert post["status"] == "published", post
    return post


def large_variant_url(post: dict[str, Any]) -> str:
    return str(post["media"][0]["variants"]["large_1080"]["url"])


def test_a_large_photo_resumes_and_publishes(api: Api) -> None:
    alice = api.register("alice")
    media_id, data = upload_interrupted_then_resumed(api, alice)
    assert api.container.adapters.blobs().get(original_key(api, media_id)) == data
    post = publish(api, alice, media_id)
    variant = api.fetch(large_variant_url(post))
    assert variant.status_code == 200
    assert Image.open(io.BytesIO(variant.content)).size == (1080, 1080)


def test_a_large_photo_resumes_and_publishes_on_the_engines(prod_api: Api) -> None:
    alice = prod_api.register("alice")
    media_id, _ = upload_interrupted_then_resumed(prod_api, alice)
    post = publish(prod_api, alice, media_id)
    assert "X-Amz-Signature" in large_variant_url(post)
    variant = prod_api.fetch(large_variant_url(post))
    assert Image.open(io.BytesIO(variant.content)).size == (1080, 1080)


def original_key(api: Api, media_id: str) -> str:
    media = api.container.adapters.media().get(int(media_id))
    assert media is not None
    return str(media.original_key)


# --- refusals ----------------------------------------------------------------------------


def test_only_the_owner_may_upload_and_only_before_use(api: Api) -> None:
    alice, bob = api.register("alice"), api.register("bob")
    media_id = reserve(api, alice)
    assert api.client.post(f"/api/v1/media/{media_id}/parts", headers=bob).status_code == 422
    assert api.client.post("/api/v1/media/12345/parts", headers=alice).status_code == 422
    assert api.client.post("/api/v1/media/nope/parts", headers=alice).status_code == 404
    upload_id = api.client.post(f"/api/v1/media/{media_id}/parts", headers=alice).json()
    base = f"/api/v1/media/{media_id}/parts/{upload_id['upload_id']}"
    assert api.client.get(base, headers=bob).status_code == 422
    assert api.client.post(f"{base}/complete", headers=bob).status_code == 422
    assert (
        api.client.get(f"/api/v1/media/{media_id}/parts/{'0' * 32}", headers=alice).status_code
        == 404
    )


def test_part_numbers_stop_at_the_byte_limit(api: Api) -> None:
    alice = api.register("alice")
    media_id = reserve(api, alice)
    started = api.client.post(f"/api/v1/media/{media_id}/parts", headers=alice).json()
    assert started["max_parts"] == 4  # 30 MB in parts of 8 MiB
    base = f"/api/v1/media/{media_id}/parts/{started['upload_id']}"
    assert api.client.post(f"{base}/5/url", headers=alice).status_code == 422
    assert api.client.post(f"{base}/0/url", headers=alice).status_code == 422


def test_a_gap_or_a_wrong_etag_is_refused_and_the_upload_stays_resumable(api: Api) -> None:
    alice = api.register("alice")
    media_id = reserve(api, alice)
    upload_id = api.client.post(f"/api/v1/media/{media_id}/parts", headers=alice).json()
    base = f"/api/v1/media/{media_id}/parts/{upload_id['upload_id']}"
    etags = [
        put_part(api, alice, base, number, data)
        for number, data in ((1, b"a" * PART_SIZE), (3, b"end"))
    ]
    gap = api.client.post(f"{base}/complete", headers=alice)
    assert gap.status_code == 422
    assert "part 2 is missing" in gap.text
    wrong = {"parts": [{"part_number": 1, "etag": '"0000"'}]}
    assert api.client.post(f"{base}/complete", json=wrong, headers=alice).status_code == 422
    listed = api.client.get(base, headers=alice).json()["parts"]
    assert [(p["part_number"], p["etag"]) for p in listed] == [(1, etags[0]), (3, etags[1])]


def test_over_the_byte_limit_the_upload_is_refused_and_discarded(tmp_path: Path) -> None:
    settings = embedded_settings(tmp_path / "data", max_upload_bytes=10 * MIB)
    container = build_container(settings)
    with TestClient(create_app(container=container)) as client:
        api = Api(client, container)
        alice = api.register("alice")
        media_id = reserve(api, alice)
        upload_id = api.client.post(f"/api/v1/media/{media_id}/parts", headers=alice).json()
        base = f"/api/v1/media/{media_id}/parts/{upload_id['upload_id']}"
        for number in (1, 2):
            put_part(api, alice, base, number, b"x" * PART_SIZE)
        assert api.client.post(f"{base}/complete", headers=alice).status_code == 413
        assert api.client.get(base, headers=alice).status_code == 404
        assert container.adapters.blobs().info(original_key(api, media_id)) is None


def test_a_part_over_the_part_size_or_with_a_tampered_url_is_refused(api: Api) -> None:
    alice = api.register("alice")
    media_id = reserve(api, alice)
    upload_id = api.client.post(f"/api/v1/media/{media_id}/parts", headers=alice).json()
    base = f"/api/v1/media/{media_id}/parts/{upload_id['upload_id']}"
    url = local(api.client.post(f"{base}/1/url", headers=alice).json()["url"])
    assert api.client.put(url, content=b"x" * (PART_SIZE + 1)).status_code == 413
    assert api.client.put(url.replace("part=1", "part=2"), content=b"x").status_code == 403
    assert api.client.get(base, headers=alice).json() == {"parts": []}


def test_abort_discards_the_parts(api: Api) -> None:
    alice = api.register("alice")
    media_id = reserve(api, alice)
    upload_id = api.client.post(f"/api/v1/media/{media_id}/parts", headers=alice).json()
    base = f"/api/v1/media/{media_id}/parts/{upload_id['upload_id']}"
    put_part(api, alice, base, 1, b"bytes")
    assert api.client.delete(base, headers=alice).status_code == 204
    assert api.client.delete(base, headers=alice).status_code == 204
    assert api.client.get(base, headers=alice).status_code == 404

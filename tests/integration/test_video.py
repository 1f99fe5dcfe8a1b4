"""Video through the HTTP API: upload an MP4, get H.264 renditions, a poster and a
placeholder, and a duration limit that refuses long clips."""

from __future__ import annotations

from pathlib import Path

from litestar.testing import TestClient

from instagram_entrypoints.containers import build_container
from instagram_entrypoints.http.app import create_app
from tests.contract.test_video_transcoder import clip
from tests.integration.conftest import Api, embedded_settings


def upload_video(api: Api, auth: dict[str, str], data: bytes) -> str:
    ticket = api.client.get(
        "/api/v1/media/upload-url",
        params={"type": "video", "content_type": "video/mp4"},
        headers=auth,
    ).json()
    put = api.client.put(
        ticket["upload_url"].split("8000", 1)[-1],
        content=data,
        headers={"Content-Type": "video/mp4"},
    )
    assert put.status_code == 200, put.text
    return str(ticket["media_id"])


def test_a_video_post_is_transcoded_and_published(api: Api) -> None:
    alice, bob = api.register("alice"), api.register("bob")
    api.client.post("/api/v1/users/alice/follow", headers=bob)
    media_id = upload_video(api, alice, clip("landscape.mp4"))
    created = api.client.post("/api/v1/posts", json={"media_ids": [media_id]}, headers=alice)
    assert created.status_code == 201, created.text
    post = api.wait_until_done(alice, created.json()["post_id"], timeout=60)
    assert post["status"] == "published", post
    media = post["media"][0]
    assert media["type"] == "video"
    assert 1.5 < media["duration_seconds"] < 2.5
    assert media["blurhash"]
    assert {"video_1080", "video_720", "poster"} <= set(media["variants"])
    rendition = media["variants"]["video_720"]
    assert (rendition["format"], rendition["width"], rendition["height"]) == ("mp4", 720, 404)
    poster = media["variants"]["poster"]
    assert poster["format"] == "jpeg"
    assert [f["format"] for f in poster["formats"]] == ["webp"]
    body = api.fetch(rendition["url"])
    assert body.status_code == 200
    assert body.headers["content-type"] == "video/mp4"
    assert b"ftyp" in body.content[:16]
    feed = api.client.get("/api/v1/feed", headers=bob).json()
    assert [p["post_id"] for p in feed["items"]] == [post["post_id"]]


def test_a_video_over_the_duration_limit_is_422(tmp_path: Path) -> None:
    container = build_container(embedded_settings(tmp_path, max_video_seconds=1))
    with TestClient(create_app(container=container)) as client:
        api = Api(client, container)
        alice = api.register("alice")
        media_id = upload_video(api, alice, clip("small.mp4"))
        created = client.post("/api/v1/posts", json={"media_ids": [media_id]}, headers=alice)
        assert created.status_code == 422
        assert "limit of 1 s" in created.json()["error"]["message"]


def test_bytes_that_are_no_video_are_422(api: Api) -> None:
    alice = api.register("alice")
    media_id = upload_video(api, alice, b"\x00\x00\x00\x18ftypmp42" + b"garbage" * 100)
    created = api.client.post("/api/v1/posts", json={"media_ids": [media_id]}, headers=alice)
    assert created.status_code == 422

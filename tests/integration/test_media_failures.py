"""The media pipeline's refusals and failures through the HTTP API: a decompression bomb, a
truncated upload, and a processing failure that ends in the dead-letter queue."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from dependency_injector import providers
from litestar.testing import TestClient
from PIL import Image

from instagram_entrypoints.containers import build_container
from instagram_entrypoints.http.app import create_app
from tests.integration.conftest import Api, embedded_settings
from tests.support import jpeg_bytes, photo


def test_a_decompression_bomb_is_refused_before_decoding(api: Api) -> None:
    alice = api.register("alice")
    bomb = io.BytesIO()
    Image.new("1", (20_000, 10_000)).save(bomb, "PNG")  # 200 MP in a few kB
    media_id = api.upload(alice, bomb.getvalue(), "image/png")
    created = api.client.post("/api/v1/posts", json={"media_ids": [media_id]}, headers=alice)
    assert created.status_code == 422
    assert "pixels" in created.json()["error"]["message"]


def test_a_truncated_upload_fails_the_post_with_a_reason(api: Api) -> None:
    alice = api.register("alice")
    whole = photo("gps_DSCN0010.jpg")
    media_id = api.upload(alice, whole[: len(whole) // 2])
    created = api.client.post("/api/v1/posts", json={"media_ids": [media_id]}, headers=alice)
    assert created.status_code == 201
    post = api.wait_until_done(alice, created.json()["post_id"])
    assert post["status"] == "failed"
    assert post["failure_reason"]
    other = api.register("bob")
    hidden = api.client.get(f"/api/v1/posts/{post['post_id']}", headers=other)
    assert hidden.status_code == 404  # an unpublished post exists for its author only


class _CrashingProcessor:
    """Fails like a worker that crashes on every attempt."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def process_image(self, data: bytes, filter_name: str | None) -> Any:
        raise RuntimeError("worker crashed")


def test_a_processing_failure_is_retried_then_dead_lettered(tmp_path: Path) -> None:
    container = build_container(embedded_settings(tmp_path))
    crashing = _CrashingProcessor(container.adapters.processor())
    container.adapters.processor.override(providers.Object(crashing))
    with TestClient(create_app(container=container)) as client:
        api = Api(client, container)
        alice = api.register("alice")
        media_id = api.upload(alice, jpeg_bytes(400, 300))
        created = client.post("/api/v1/posts", json={"media_ids": [media_id]}, headers=alice)
        post = api.wait_until_done(alice, created.json()["post_id"])
        assert post["status"] == "failed"
        assert "re-upload" in post["failure_reason"]
        letters = container.core.running_bus().dead_letters()
        assert [type(letter.message).__name__ for letter in letters] == ["PostCreated"]
        assert letters[0].attempts == 3

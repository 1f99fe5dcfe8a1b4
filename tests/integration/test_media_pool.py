"""The embedded default processes photos in worker processes, one per core."""

from __future__ import annotations

from pathlib import Path

from litestar.testing import TestClient

from instagram_adapters.pillow.pool import ProcessPoolMediaProcessor
from instagram_entrypoints.containers import build_container
from instagram_entrypoints.http.app import create_app
from tests.integration.conftest import Api, embedded_settings
from tests.support import photo


def test_two_uploads_are_processed_by_the_process_pool(tmp_path: Path) -> None:
    container = build_container(embedded_settings(tmp_path, media_workers=2))
    with TestClient(create_app(container=container)) as client:
        assert isinstance(container.adapters.processor(), ProcessPoolMediaProcessor)
        api = Api(client, container)
        alice = api.register("alice")
        media = [
            api.upload(alice, photo(name)) for name in ("gps_DSCN0010.jpg", "mobile_jolla.jpg")
        ]
        created = [
            client.post("/api/v1/posts", json={"media_ids": [m]}, headers=alice).json()["post_id"]
            for m in media
        ]
        for post_id in created:
            assert api.wait_until_done(alice, post_id, timeout=60)["status"] == "published"

"""The embedded profile keeps its data across a restart of the service."""

from __future__ import annotations

from pathlib import Path

from litestar.testing import TestClient

from instagram_entrypoints.containers import build_container
from instagram_entrypoints.http.app import create_app
from tests.integration.conftest import Api, embedded_settings
from tests.support import jpeg_bytes


def test_data_survives_a_restart(tmp_path: Path) -> None:
    settings = embedded_settings(tmp_path / "data")
    container = build_container(settings)
    with TestClient(create_app(container=container)) as client:
        api = Api(client, container)
        alice, bob = api.register("alice"), api.register("bob")
        client.post("/api/v1/users/alice/follow", headers=bob)
        post = api.publish(alice, jpeg_bytes(800, 600), caption="before the restart")
        client.post(f"/api/v1/posts/{post['post_id']}/like", headers=bob)

    container = build_container(settings)
    with TestClient(create_app(container=container)) as client:
        token = client.post(
            "/api/v1/auth/token", json={"username": "bob", "password": "correct horse"}
        ).json()["access_token"]
        bob = {"Authorization": f"Bearer {token}"}
        old_token_still_valid = client.get("/api/v1/users/alice", headers=alice)
        assert old_token_still_valid.status_code == 200
        feed = client.get("/api/v1/feed", headers=bob).json()
        assert [p["post_id"] for p in feed["items"]] == [post["post_id"]]
        assert feed["items"][0]["like_count"] == 1
        variant = feed["items"][0]["media"][0]["variants"]["thumb_150"]["url"]
        assert client.get(variant.split("8000", 1)[-1]).status_code == 200

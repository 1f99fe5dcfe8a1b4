"""Moderation through the API: a refused photo leaves the post ``rejected``, never
published, with the reason for its owner only; refused text is a 422."""

from __future__ import annotations

from pathlib import Path

import pytest
from dependency_injector import providers
from litestar.testing import TestClient

from instagram_entrypoints.containers import build_container
from instagram_entrypoints.http.app import create_app
from tests.integration.conftest import Api, embedded_settings
from tests.support import photo


def test_a_refused_photo_leaves_the_post_rejected(tmp_path: Path) -> None:
    image_moderator = pytest.importorskip("instagram_adapters.onnx.image_moderator")
    try:
        strict = image_moderator.OnnxImageModerator(threshold=0.6, refused_classes={"FACE_FEMALE"})
    except Exception as missing:  # the optional extra is not installed
        pytest.skip(f"the ONNX moderation model is unavailable: {missing}")
    container = build_container(embedded_settings(tmp_path))
    container.adapters.moderator.override(providers.Object(strict))
    with TestClient(create_app(container=container)) as client:
        api = Api(client, container)
        alice, bob = api.register("alice"), api.register("bob")
        client.post("/api/v1/users/alice/follow", headers=bob)
        post = api.publish(alice, photo("invalid_image00971.jpg"))
        assert post["status"] == "rejected", post
        assert "face female" in post["failure_reason"]
        assert client.get(f"/api/v1/posts/{post['post_id']}", headers=bob).status_code == 404
        assert client.get("/api/v1/feed", headers=bob).json()["items"] == []


def test_refused_caption_and_comment_are_422(api: Api) -> None:
    alice = api.register("alice")
    media_id = api.upload(alice, photo("gps_DSCN0010.jpg"))
    spam = api.client.post(
        "/api/v1/posts",
        json={"media_ids": [media_id], "caption": "buy followers now, click my link"},
        headers=alice,
    )
    assert spam.status_code == 422
    assert "refused" in spam.json()["error"]["message"]
    post = api.publish(alice, photo("gps_DSCN0021.jpg"), caption="golden hour")
    comment = api.client.post(
        f"/api/v1/posts/{post['post_id']}/comments",
        json={"text": "FREE FOLLOWERS click my link"},
        headers=alice,
    )
    assert comment.status_code == 422

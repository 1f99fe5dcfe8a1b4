"""Stories through the HTTP API: story media, the tray of followed accounts, expiry data."""

from __future__ import annotations

from tests.integration.conftest import Api, local
from tests.support import photo


def upload_story_media(api: Api, auth: dict[str, str]) -> str:
    ticket = api.client.get(
        "/api/v1/media/upload-url",
        params={"type": "image", "content_type": "image/jpeg", "purpose": "story"},
        headers=auth,
    ).json()
    assert "/stories/" in ticket["upload_url"]
    put = api.client.put(
        local(ticket["upload_url"]), content=photo("gps_DSCN0042.jpg"), headers=ticket["headers"]
    )
    assert put.status_code == 200
    return str(ticket["media_id"])


def test_a_story_reaches_followers_trays(api: Api) -> None:
    alice, bob, carol = api.register("alice"), api.register("bob"), api.register("carol")
    api.client.post("/api/v1/users/alice/follow", headers=bob)
    created = api.client.post(
        "/api/v1/stories", json={"media_id": upload_story_media(api, alice)}, headers=alice
    )
    assert created.status_code == 201, created.text
    story = created.json()
    api.container.core.running_bus().drain(20)
    trays = api.client.get("/api/v1/stories/feed", headers=bob).json()["story_trays"]
    assert [t["user"]["username"] for t in trays] == ["alice"]
    served = trays[0]["stories"][0]
    assert served["story_id"] == story["story_id"]
    assert served["status"] == "live"
    assert served["expires_at"] > served["created_at"]
    assert api.fetch(served["media_url"]).status_code == 200
    assert api.client.get("/api/v1/stories/feed", headers=carol).json()["story_trays"] == []


def test_post_media_cannot_become_a_story(api: Api) -> None:
    alice = api.register("alice")
    media_id = api.upload(alice, photo("gps_DSCN0042.jpg"))
    refused = api.client.post("/api/v1/stories", json={"media_id": media_id}, headers=alice)
    assert refused.status_code == 422
    assert "purpose=story" in refused.json()["error"]["message"]

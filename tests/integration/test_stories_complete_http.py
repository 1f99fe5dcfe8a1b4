"""Issue 13's stories through the HTTP API, on both profiles: stickers, views and viewers,
poll votes, the archive, highlights and the tray's order, with every error status."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from dependency_injector import providers
from litestar.testing import TestClient

from instagram_adapters.memory.clock import ManualClock
from instagram_core.domain.stories import STORY_LIFETIME
from instagram_entrypoints.containers import build_container
from instagram_entrypoints.http.app import create_app
from tests.integration.conftest import Api, embedded_settings, local
from tests.support import photo

AT = {"x": 0.25, "y": 0.75}
POLL = {"type": "poll", "question": "Tea or coffee?", "options": ["tea", "coffee"], "position": AT}


@pytest.fixture(params=["embedded", "production"])
def any_api(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Api]:
    """The app on a manual clock (so a test can step past expiry), on either profile. On
    production, Cassandra's own TTL runs on the server's clock: reads still hide a story
    from the app's ``now`` on."""
    if request.param == "embedded":
        settings = embedded_settings(tmp_path / "data")
    else:
        settings = request.getfixturevalue("prod_settings")
    container = build_container(settings)
    container.adapters.clock.override(providers.Object(ManualClock(datetime.now(UTC))))
    with TestClient(create_app(container=container)) as client:
        yield Api(client, container)


def story_media(api: Api, auth: dict[str, str]) -> str:
    ticket = api.client.get(
        "/api/v1/media/upload-url",
        params={"type": "image", "content_type": "image/jpeg", "purpose": "story"},
        headers=auth,
    ).json()
    url, headers = ticket["upload_url"], ticket["headers"]
    if url.startswith(api.container.config.blob_base_url()):
        put = api.client.put(local(url), content=photo("gps_DSCN0042.jpg"), headers=headers)
    else:
        put = httpx.put(url, content=photo("gps_DSCN0042.jpg"), headers=headers)
    assert put.status_code == 200, put.text
    return str(ticket["media_id"])


def post_story(api: Api, auth: dict[str, str], **body: Any) -> dict[str, Any]:
    created = api.client.post(
        "/api/v1/stories", json={"media_id": story_media(api, auth), **body}, headers=auth
    )
    assert created.status_code == 201, created.text
    api.container.core.running_bus().drain(20)
    return dict(created.json())


def log_in(api: Api, username: str) -> dict[str, str]:
    token = api.client.post(
        "/api/v1/auth/token", json={"username": username, "password": "correct horse"}
    )
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def error(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    return str(response.json()["error"]["message"])


def test_stories_end_to_end(any_api: Api) -> None:
    api = any_api
    alice, bob, carol = api.register("alice"), api.register("bob"), api.register("carol")
    for who in (bob, carol):
        assert api.client.post("/api/v1/users/alice/follow", headers=who).status_code == 200
    stickers = [
        {"type": "mention", "username": "bob", "position": AT},
        {"type": "hashtag", "tag": "tea", "position": AT},
        {"type": "location", "lat": 51.5, "lng": -0.12, "name": "London", "position": AT},
        POLL,
    ]
    created = post_story(api, alice, stickers=stickers, music_id="song-9")
    assert set(created) >= {"story_id", "status", "media_url", "created_at", "expires_at"}
    assert created["status"] == "processing"
    assert [s["type"] for s in created["stickers"]] == ["mention", "hashtag", "location", "poll"]
    story_id = created["story_id"]

    # The mention notified bob.
    activity = api.client.get("/api/v1/notifications", headers=bob).json()["items"]
    assert [(n["kind"], n["actors"][0]["username"]) for n in activity] == [("mention", "alice")]

    # bob's tray: the story is unseen, with its stickers, poll and no counts.
    tray = api.client.get("/api/v1/stories/feed", headers=bob).json()["story_trays"]
    assert [(t["user"]["username"], t["seen"]) for t in tray] == [("alice", False)]
    served = tray[0]["stories"][0]
    assert served["stickers"][0] == {
        "type": "mention",
        "position": AT,
        "username": "bob",
        "user_id": served["stickers"][0]["user_id"],
    }
    assert served["stickers"][2] == {
        "type": "location",
        "position": AT,
        "name": "London",
        "lat": 51.5,
        "lng": -0.12,
    }
    assert "counts" not in served["stickers"][3]
    assert served["seen"] is False
    assert "view_count" not in served

    # Views: 204, idempotent; the tray turns seen once the bus has marked bob's cached tray.
    for who in (bob, bob, carol):
        assert api.client.post(f"/api/v1/stories/{story_id}/view", headers=who).status_code == 204
        api.container.adapters.clock().advance(1)  # carol views last
    assert api.container.core.running_bus().drain(20)
    tray = api.client.get("/api/v1/stories/feed", headers=bob).json()["story_trays"]
    assert tray[0]["seen"] is True
    assert tray[0]["stories"][0]["seen"] is True

    # Votes: one each.
    vote = api.client.post(
        f"/api/v1/stories/{story_id}/poll-votes", json={"option": 1}, headers=bob
    )
    assert vote.status_code == 201, vote.text
    again = api.client.post(
        f"/api/v1/stories/{story_id}/poll-votes", json={"option": 0}, headers=bob
    )
    assert "already voted" in error(again, 409)

    # The owner: view_count, poll counts, and the viewers newest first, paged.
    own = api.client.get("/api/v1/stories/feed", headers=alice).json()["story_trays"][0]
    assert own["stories"][0]["view_count"] == 2
    assert own["stories"][0]["stickers"][3]["counts"] == [0, 1]
    first = api.client.get(f"/api/v1/stories/{story_id}/viewers?limit=1", headers=alice).json()
    assert [v["username"] for v in first["items"]] == ["carol"]
    assert set(first["items"][0]) == {
        "user_id",
        "username",
        "display_name",
        "avatar_url",
        "is_private",
        "viewed_at",
    }
    rest = api.client.get(
        f"/api/v1/stories/{story_id}/viewers",
        params={"limit": 1, "cursor": first["next_cursor"]},
        headers=alice,
    ).json()
    assert [v["username"] for v in rest["items"]] == ["bob"]
    assert rest["next_cursor"] is None
    assert "owner" in error(api.client.get(f"/api/v1/stories/{story_id}/viewers", headers=bob), 403)

    # A highlight, then expiry: gone from trays and views, kept in archive and highlight.
    made = api.client.post(
        "/api/v1/highlights", json={"title": "London", "story_ids": [story_id]}, headers=alice
    )
    assert made.status_code == 201, made.text
    assert [s["story_id"] for s in made.json()["stories"]] == [story_id]
    api.container.adapters.clock().advance(STORY_LIFETIME)
    # A day later the tokens (24 hours, every adapter on the manual clock) have expired too.
    assert "expired" in error(api.client.get("/api/v1/stories/feed", headers=bob), 401)
    alice, bob, carol = log_in(api, "alice"), log_in(api, "bob"), log_in(api, "carol")
    assert api.client.get("/api/v1/stories/feed", headers=bob).json()["story_trays"] == []
    error(api.client.post(f"/api/v1/stories/{story_id}/view", headers=bob), 404)
    archive = api.client.get("/api/v1/stories/archive", headers=alice).json()["items"]
    assert [(s["story_id"], s["view_count"]) for s in archive] == [(story_id, 2)]
    shown = api.client.get("/api/v1/users/alice/highlights", headers=carol).json()["items"]
    assert [(h["title"], [s["story_id"] for s in h["stories"]]) for h in shown] == [
        ("London", [story_id])
    ]
    assert api.client.get(f"/api/v1/stories/{story_id}/viewers", headers=alice).status_code == 200


@pytest.fixture
def clocked_api(tmp_path: Path) -> Iterator[Api]:
    container = build_container(embedded_settings(tmp_path / "data"))
    container.adapters.clock.override(providers.Object(ManualClock(datetime.now(UTC))))
    with TestClient(create_app(container=container)) as client:
        yield Api(client, container)


@pytest.mark.parametrize(
    ("sticker", "status", "fragment"),
    [
        ({"type": "gif", "position": AT}, 422, "stickers[0].type must be one of"),
        ({"type": "hashtag", "tag": "x", "position": {"x": 2, "y": 0}}, 422, "position.x"),
        ({**POLL, "options": ["only"]}, 422, "stickers[0].options"),
        ({"type": "mention", "username": "nobody", "position": AT}, 422, "@nobody"),
        ({"type": "location", "position": AT}, 422, "needs a place"),
        ([1, 2], 422, "must be an object"),
    ],
)
def test_a_bad_sticker_is_a_422_naming_the_problem(
    clocked_api: Api, sticker: Any, status: int, fragment: str
) -> None:
    api = clocked_api
    alice = api.register("alice")
    refused = api.client.post(
        "/api/v1/stories",
        json={"media_id": story_media(api, alice), "stickers": [sticker]},
        headers=alice,
    )
    assert fragment in error(refused, status)


def test_a_mention_across_a_block_is_a_422(clocked_api: Api) -> None:
    api = clocked_api
    alice, _ = api.register("alice"), api.register("bob")
    assert api.client.post("/api/v1/users/bob/block", headers=alice).status_code == 204
    refused = api.client.post(
        "/api/v1/stories",
        json={
            "media_id": story_media(api, alice),
            "stickers": [{"type": "mention", "username": "bob", "position": AT}],
        },
        headers=alice,
    )
    assert "@bob cannot be mentioned" in error(refused, 422)


def test_view_viewers_and_votes_answer_every_error(clocked_api: Api) -> None:
    api = clocked_api
    alice = api.register("alice", private=True)
    bob, carol = api.register("bob"), api.register("carol")
    plain = post_story(api, alice)["story_id"]
    polled = post_story(api, alice, stickers=[POLL])["story_id"]
    base = "/api/v1/stories"
    assert "private" in error(api.client.post(f"{base}/{plain}/view", headers=bob), 403)
    assert api.client.post("/api/v1/users/carol/block", headers=alice).status_code == 204
    error(api.client.post(f"{base}/{plain}/view", headers=carol), 404)
    error(api.client.post(f"{base}/123/view", headers=bob), 404)
    error(api.client.post(f"{base}/not-a-number/view", headers=bob), 404)
    error(api.client.post(f"{base}/{plain}/view"), 401)
    error(api.client.get(f"{base}/{plain}/viewers", headers=carol), 404)
    error(api.client.get(f"{base}/{plain}/viewers", headers=bob), 403)
    error(api.client.get(f"{base}/{plain}/viewers?cursor=zzz", headers=alice), 400)
    error(api.client.get(f"{base}/{plain}/viewers?limit=0", headers=alice), 422)
    api.client.post("/api/v1/users/alice/follow", headers=bob)
    assert api.client.post("/api/v1/follow-requests/bob/approve", headers=alice).status_code == 204
    vote = f"{base}/{polled}/poll-votes"
    assert "between 0 and 1" in error(api.client.post(vote, json={"option": 2}, headers=bob), 422)
    assert "no poll" in error(
        api.client.post(f"{base}/{plain}/poll-votes", json={"option": 0}, headers=bob), 422
    )
    error(api.client.post(vote, json={"option": "one"}, headers=bob), 400)
    assert api.client.post(vote, json={"option": 0}, headers=bob).status_code == 201
    error(api.client.post(vote, json={"option": 1}, headers=bob), 409)


def test_highlights_answer_every_error(clocked_api: Api) -> None:
    api = clocked_api
    alice = api.register("alice", private=True)
    bob, carol = api.register("bob"), api.register("carol")
    mine = post_story(api, alice)["story_id"]
    theirs = post_story(api, bob)["story_id"]
    made = "/api/v1/highlights"
    error(api.client.post(made, json={"title": "", "story_ids": [mine]}, headers=alice), 422)
    error(api.client.post(made, json={"title": "t", "story_ids": []}, headers=alice), 422)
    assert f"story {theirs}" in error(
        api.client.post(made, json={"title": "t", "story_ids": [theirs]}, headers=alice), 422
    )
    error(api.client.post(made, json={"title": "t", "story_ids": ["x"]}, headers=alice), 422)
    error(api.client.post(made, json={"title": "t"}, headers=alice), 400)
    ok = api.client.post(made, json={"title": "t", "story_ids": [mine]}, headers=alice)
    assert ok.status_code == 201, ok.text
    assert "private" in error(api.client.get("/api/v1/users/alice/highlights", headers=bob), 403)
    assert api.client.post("/api/v1/users/carol/block", headers=alice).status_code == 204
    error(api.client.get("/api/v1/users/alice/highlights", headers=carol), 404)
    error(api.client.get("/api/v1/users/nobody/highlights", headers=bob), 404)
    own = api.client.get("/api/v1/users/alice/highlights", headers=alice).json()["items"]
    assert [h["title"] for h in own] == ["t"]


def test_the_tray_puts_closer_unseen_accounts_first_over_http(clocked_api: Api) -> None:
    api = clocked_api
    viewer = api.register("viewer")
    names = ("ann", "ben", "cid")
    auths = {n: api.register(n) for n in names}
    for n in names:
        api.client.post(f"/api/v1/users/{n}/follow", headers=viewer)
    stories = {}
    for n in names:  # cid posts last: by recency alone, cid, ben, ann
        stories[n] = post_story(api, auths[n])["story_id"]
        api.container.adapters.clock().advance(1)
    api.client.get("/api/v1/users/ann", headers=viewer)  # a profile visit: closer to ann
    api.container.core.running_bus().drain(20)
    order = api.client.get("/api/v1/stories/feed", headers=viewer).json()["story_trays"]
    assert [t["user"]["username"] for t in order] == ["ann", "cid", "ben"]
    api.client.post(f"/api/v1/stories/{stories['ann']}/view", headers=viewer)
    api.container.core.running_bus().drain(20)
    order = api.client.get("/api/v1/stories/feed", headers=viewer).json()["story_trays"]
    assert [(t["user"]["username"], t["seen"]) for t in order] == [
        ("cid", False),
        ("ben", False),
        ("ann", True),
    ]
    api.client.post("/api/v1/users/cid/mute", headers=viewer)
    order = api.client.get("/api/v1/stories/feed", headers=viewer).json()["story_trays"]
    assert [t["user"]["username"] for t in order] == ["ben", "ann"]

"""The foundation's HTTP story on the production profile: users and the graph in MariaDB,
feeds, likes, trays, limits and snapshots in Redis, media in S3 (moto)."""

from __future__ import annotations

import io

import pytest
import redis
from litestar.testing import TestClient
from PIL import Image

from instagram_entrypoints.config import Settings
from instagram_entrypoints.containers import build_container
from instagram_entrypoints.http.app import create_app
from tests.integration.conftest import Api
from tests.mysql_support import mariadb
from tests.support import photo


def test_the_story_on_the_engines(prod_api: Api) -> None:
    api = prod_api
    assert api.client.get("/readyz").json()["status"] == "ready"
    alice, bob = api.register("alice"), api.register("bob")
    assert api.client.post("/api/v1/users/alice/follow", headers=bob).json() == {"status": "active"}
    post = api.publish(alice, photo("mobile_jolla.jpg"), caption="on the engines #prod")
    assert post["status"] == "published", post
    feed = api.client.get("/api/v1/feed", headers=bob).json()
    assert [p["post_id"] for p in feed["items"]] == [post["post_id"]]
    thumb = feed["items"][0]["media"][0]["variants"]["thumb_150"]["url"]
    assert "X-Amz-Signature" in thumb
    image = Image.open(io.BytesIO(api.fetch(thumb).content))
    assert image.size == (150, 150)
    liked = api.client.post(f"/api/v1/posts/{post['post_id']}/like", headers=bob).json()
    assert liked == {"liked": True, "like_count": 1}
    comment = api.client.post(
        f"/api/v1/posts/{post['post_id']}/comments", json={"text": "on redis"}, headers=bob
    )
    assert comment.status_code == 201
    profile = api.client.get("/api/v1/users/alice", headers=bob).json()
    assert (profile["follower_count"], profile["post_count"]) == (1, 1)
    redis_client = redis.Redis.from_url(api.container.config.redis_url())
    assert redis_client.scard(f"liked:{post['post_id']}") == 1
    trending = api.client.get("/api/v1/search/trending", headers=bob).json()["hashtags"]
    assert [t["tag"] for t in trending] == ["prod"]
    assert redis_client.keys("trending:tags:*")  # the seed's trending sorted set
    assert api.client.delete(f"/api/v1/posts/{post['post_id']}", headers=alice).status_code == 204
    api.container.core.running_bus().drain(10)
    assert api.client.get("/api/v1/feed", headers=bob).json()["items"] == []


def test_private_accounts_on_the_engines(prod_api: Api) -> None:
    api = prod_api
    alice, bob = api.register("alice", private=True), api.register("bob")
    post = api.publish(alice, photo("Nikon_D70.jpg"))
    assert api.client.post("/api/v1/users/alice/follow", headers=bob).json() == {
        "status": "pending"
    }
    assert api.client.get(f"/api/v1/posts/{post['post_id']}", headers=bob).status_code == 404
    assert api.client.post("/api/v1/follow-requests/bob/approve", headers=alice).status_code == 204
    api.container.core.running_bus().drain(10)
    assert [p["post_id"] for p in api.client.get("/api/v1/feed", headers=bob).json()["items"]] == [
        post["post_id"]
    ]


def test_redis_down_degrades_the_feed_and_keeps_answering(
    prod_api: Api, request: pytest.FixtureRequest
) -> None:
    api = prod_api
    alice, bob = api.register("alice"), api.register("bob")
    api.client.post("/api/v1/users/alice/follow", headers=bob)
    post = api.publish(alice, photo("Canon_40D.jpg"))
    server = request.getfixturevalue("redis_server")
    server.stop()
    try:
        feed = api.client.get("/api/v1/feed", headers=bob)
        assert feed.status_code == 200
        body = feed.json()
        assert body["ranked"] is False
        assert [p["post_id"] for p in body["items"]] == [post["post_id"]]
        assert body["items"][0]["like_count"] is None  # likes live in Redis
        ready = api.client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["dependencies"]["feed_cache"].startswith("error")
        assert (
            api.client.post(f"/api/v1/posts/{post['post_id']}/like", headers=bob).status_code == 503
        )
    finally:
        server.start()
    assert api.client.get("/api/v1/feed", headers=bob).json()["ranked"] is True


def test_mysql_down_is_503_and_nothing_acknowledged_is_lost(
    prod_api: Api, request: pytest.FixtureRequest
) -> None:
    api = prod_api
    alice = api.register("alice")
    bob = api.register("bob")
    server = mariadb(request)
    server.stop()
    try:
        follow = api.client.post("/api/v1/users/alice/follow", headers=bob)
        assert follow.status_code == 503
        assert follow.json()["error"]["code"] == "unavailable"
        assert "retry-after" in follow.headers
    finally:
        server.start()
    assert api.client.get("/api/v1/users/alice", headers=alice).json()["username"] == "alice"
    assert api.client.post("/api/v1/users/alice/follow", headers=bob).json() == {"status": "active"}


def test_a_write_in_one_process_invalidates_pages_cached_in_another(
    prod_api: Api, prod_settings: Settings
) -> None:
    """Two app instances on the same engines, as behind a load balancer: the page cache is
    per process, its versions are in Redis, so a like through one instance shows at once
    through the other."""
    api = prod_api
    alice, bob = api.register("alice"), api.register("bob")
    api.client.post("/api/v1/users/alice/follow", headers=bob)
    post = api.publish(alice, photo("mobile_jolla.jpg"))
    first = api.client.get("/api/v1/feed", headers=bob).json()
    assert first["items"][0]["liked_by_viewer"] is False
    assert api.client.get("/api/v1/feed", headers=bob).json() == first  # now cached
    assert len(api.container.feed_pages()) == 1
    assert not api.container.feed_pages().check_on_loop  # a Redis round trip: thread pool

    other = build_container(prod_settings)
    with TestClient(create_app(container=other)) as second:
        liked = second.post(f"/api/v1/posts/{post['post_id']}/like", headers=bob)
        assert liked.json() == {"liked": True, "like_count": 1}
    again = api.client.get("/api/v1/feed", headers=bob).json()["items"][0]
    assert again["liked_by_viewer"] is True
    assert again["like_count"] == 1
    # A fan-out marks bob's feed in the same Redis call as it writes it (the adapter's own
    # marks; the core adds none): the page cached just now must not outlive the push.
    assert api.container.adapters.feeds().marks_changes
    newer = api.publish(alice, photo("mobile_jolla.jpg"))
    items = api.client.get("/api/v1/feed", headers=bob).json()["items"]
    assert [i["post_id"] for i in items] == [newer["post_id"], post["post_id"]]

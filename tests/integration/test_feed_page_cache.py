"""The feed's page cache through HTTP: a repeated read is answered from the cache, and
every write that changes what the page shows is seen by the very next read."""

from __future__ import annotations

from typing import Any

from tests.integration.conftest import Api
from tests.support import jpeg_bytes


def feed(api: Api, auth: dict[str, str], **params: Any) -> dict[str, Any]:
    answer = api.client.get("/api/v1/feed", params={"limit": 2, **params}, headers=auth)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_repeated_reads_come_from_the_cache_and_writes_show_at_once(api: Api) -> None:
    alice, bob = api.register("alice"), api.register("bob")
    assert api.client.post("/api/v1/users/alice/follow", headers=bob).status_code == 200
    posts = [api.publish(alice, jpeg_bytes(), caption=f"post {n}") for n in range(3)]
    pages = api.container.feed_pages()
    assert pages.check_on_loop  # versions in memory: checked on the event loop

    first = feed(api, bob)
    assert [p["post_id"] for p in first["items"]] == [posts[2]["post_id"], posts[1]["post_id"]]
    assert len(pages) == 1
    assert feed(api, bob) == first  # the same bytes, answered from the cache
    second = feed(api, bob, cursor=first["next_cursor"])
    assert feed(api, bob, cursor=first["next_cursor"]) == second
    assert len(pages) == 2

    newest = posts[2]["post_id"]
    liked = api.client.post(f"/api/v1/posts/{newest}/like", headers=bob)
    assert liked.status_code == 200
    after_like = feed(api, bob)["items"][0]
    assert after_like["liked_by_viewer"] is True
    assert after_like["like_count"] == 1

    assert api.client.delete(f"/api/v1/posts/{newest}", headers=alice).status_code == 204
    api.container.core.running_bus().drain(10)
    assert newest not in [p["post_id"] for p in feed(api, bob)["items"]]

    assert api.client.post("/api/v1/users/alice/block", headers=bob).status_code in (200, 204)
    assert feed(api, bob)["items"] == []


def test_the_cached_path_still_checks_the_token(api: Api) -> None:
    bob = api.register("bob")
    feed(api, bob)
    assert api.client.get("/api/v1/feed").status_code == 401
    bad = {"Authorization": bob["Authorization"][:-2] + "xx"}
    assert api.client.get("/api/v1/feed", headers=bad).status_code == 401
    assert api.client.get("/api/v1/feed", params={"limit": 0}, headers=bob).status_code == 422


def test_new_posts_pill_and_cursor_errors_are_unchanged(api: Api) -> None:
    alice, bob = api.register("alice"), api.register("bob")
    api.client.post("/api/v1/users/alice/follow", headers=bob)
    first = api.publish(alice, jpeg_bytes())
    feed(api, bob)
    api.publish(alice, jpeg_bytes())
    assert feed(api, bob, since=first["post_id"]) == {"new_posts": 1}
    broken = api.client.get("/api/v1/feed", params={"cursor": "nonsense"}, headers=bob)
    assert broken.status_code == 400
    assert broken.json()["error"]["code"] == "malformed_cursor"

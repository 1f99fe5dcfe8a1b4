"""Authorization through the HTTP API: writes on posts leak no more than reads, and blocks
reach tags and mentions."""

from __future__ import annotations

from typing import Any

from tests.integration.conftest import Api
from tests.schema_support import assert_declared
from tests.support import jpeg_bytes

MUTATIONS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("POST", "/like", None),
    ("DELETE", "/like", None),
    ("POST", "/save", None),
    ("DELETE", "/save", None),
    ("POST", "/comments", {"text": "nice"}),
    ("DELETE", "", None),
]


def test_every_post_mutation_answers_as_the_read_for_posts_one_may_not_see(api: Api) -> None:
    """For each kind of post the viewer cannot read (absent, private, behind a block either
    way) the read and every write answer the very 404 of an id that names nothing; a
    readable post of someone else refuses only the delete, with 403."""
    bob = api.register("bob")
    alice, carol = api.register("alice"), api.register("carol", private=True)
    dave, erin = api.register("dave"), api.register("erin")
    assert api.client.post("/api/v1/users/bob/block", headers=dave).status_code == 204
    assert api.client.post("/api/v1/users/erin/block", headers=bob).status_code == 204
    posts = {
        name: api.publish(auth, jpeg_bytes())["post_id"]
        for name, auth in (("alice", alice), ("carol", carol), ("dave", dave), ("erin", erin))
    }
    posts["absent"] = "123456789012345"
    reads = {}
    for owner, post_id in posts.items():
        url = f"/api/v1/posts/{post_id}"
        read = api.client.get(url, headers=bob)
        reads[owner] = read.status_code
        for method, suffix, body in MUTATIONS:
            got = api.client.request(method, url + suffix, headers=bob, json=body)
            where = (owner, method, suffix)
            assert_declared(api.client, got)
            if read.status_code != 200:
                assert (got.status_code, got.json()) == (read.status_code, read.json()), where
            elif suffix == "":
                assert got.status_code == 403, where
                assert got.json()["error"]["code"] == "forbidden"
            else:
                assert got.status_code in (200, 201), (where, got.text)
    # the cases above are the ones meant, and no hidden post differs from an absent one
    assert reads == {"alice": 200, "carol": 404, "dave": 404, "erin": 404, "absent": 404}
    absent = api.client.get(f"/api/v1/posts/{posts['absent']}", headers=bob).json()
    assert absent == {"error": {"code": "not_found", "message": "post not found"}}
    for owner in ("carol", "dave", "erin"):
        for suffix in ("", "/comments"):
            url = f"/api/v1/posts/{posts[owner]}{suffix}"
            assert api.client.get(url, headers=bob).json() == absent, (owner, suffix)


def notifications_from(api: Api, auth: dict[str, str], actor: str) -> list[str]:
    items = api.client.get("/api/v1/notifications", headers=auth).json()["items"]
    return [n["kind"] for n in items if actor in {a["username"] for a in n["actors"]}]


def test_tags_across_a_block_are_422_and_mentions_are_dropped(api: Api) -> None:
    bob, dave, friend = api.register("bob"), api.register("dave"), api.register("friend")
    assert api.client.post("/api/v1/users/bob/block", headers=dave).status_code == 204
    for tagger, tagged in ((bob, "dave"), (dave, "bob")):  # the blocked, then the blocker
        media_id = api.upload(tagger, jpeg_bytes())
        body = {"media_ids": [media_id], "tagged_users": [tagged, "friend"]}
        refused = api.client.post("/api/v1/posts", json=body, headers=tagger)
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["message"] == (
            f"cannot tag {tagged!r}: no such user, or one of you has blocked the other"
        )
    post = api.publish(bob, jpeg_bytes(), caption="hi @Dave and @friend")
    assert post["mentions"] == ["friend"]
    host = api.publish(friend, jpeg_bytes())
    comment = {"text": "look @dave"}
    url = f"/api/v1/posts/{host['post_id']}/comments"
    assert api.client.post(url, json=comment, headers=bob).status_code == 201
    api.container.core.running_bus().drain(10)
    assert notifications_from(api, dave, "bob") == []
    assert sorted(notifications_from(api, friend, "bob")) == ["comment", "mention"]

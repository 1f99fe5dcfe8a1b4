"""Every paged listing answers a cursor it never handed out with 400 ``malformed_cursor``,
and continues from one it did."""

from __future__ import annotations

import pytest

from tests.integration.conftest import Api
from tests.support import photo

FORGED = ["garbage", "-1", "1.5", "99999999999999999999", "c.x", "r.1", "x'; DROP"]


@pytest.mark.parametrize("cursor", FORGED)
def test_a_forged_cursor_is_400_everywhere(api: Api, cursor: str) -> None:
    alice = api.register("alice")
    post = api.publish(alice, photo("Canon_40D.jpg"))
    listings = [
        "/api/v1/feed",
        "/api/v1/notifications",
        "/api/v1/stories/archive",
        "/api/v1/users/alice/posts",
        "/api/v1/users/alice/followers",
        f"/api/v1/posts/{post['post_id']}/comments",
    ]
    for path in listings:
        answer = api.client.get(path, params={"cursor": cursor}, headers=alice)
        assert answer.status_code == 400, (path, answer.text)
        assert answer.json()["error"]["code"] == "malformed_cursor", path


def test_a_handed_out_cursor_continues_the_grid(api: Api) -> None:
    alice = api.register("alice")
    posts = [api.publish(alice, photo("Canon_40D.jpg")) for _ in range(3)]
    first = api.client.get("/api/v1/users/alice/posts", params={"limit": 2}, headers=alice).json()
    rest = api.client.get(
        "/api/v1/users/alice/posts",
        params={"limit": 2, "cursor": first["next_cursor"]},
        headers=alice,
    ).json()
    seen = [p["post_id"] for p in first["items"] + rest["items"]]
    assert seen == [p["post_id"] for p in reversed(posts)]
    assert rest["next_cursor"] is None

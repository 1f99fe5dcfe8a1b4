"""Every list a viewer reads hides the accounts blocked with the viewer, whoever's list it
is, on the embedded and the production profile."""

from __future__ import annotations

import pytest

from tests.integration.conftest import Api
from tests.support import photo

V1 = "/api/v1"


@pytest.fixture(params=["embedded", "production"])
def profile_api(request: pytest.FixtureRequest) -> Api:
    api: Api = request.getfixturevalue("api" if request.param == "embedded" else "prod_api")
    return api


def usernames(api: Api, path: str, auth: dict[str, str], **params: str) -> set[str]:
    answer = api.client.get(V1 + path, headers=auth, params=params)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    items = body["users"] if "users" in body else body["items"]
    return {item["author"]["username"] if "author" in item else item["username"] for item in items}


def actors(api: Api, auth: dict[str, str]) -> set[str]:
    answer = api.client.get(f"{V1}/notifications", headers=auth)
    assert answer.status_code == 200, answer.text
    return {actor["username"] for item in answer.json()["items"] for actor in item["actors"]}


def test_third_party_lists_hide_accounts_blocked_with_the_viewer(profile_api: Api) -> None:
    """vic is blocked by bea and blocks bob; both follow oli, are followed by oli and
    comment on oli's post. Reading oli's lists, vic sees neither; cal sees both. Their
    earlier follows of vic drop out of vic's notifications, and search finds neither."""
    api = profile_api
    vic, cal, oli = api.register("vic"), api.register("cal"), api.register("oli")
    bea, bob = api.register("bea"), api.register("bob")
    post = api.publish(oli, photo("Canon_40D.jpg"))
    for auth in (bea, bob):
        assert api.client.post(f"{V1}/users/oli/follow", headers=auth).status_code == 200
        assert (
            api.client.post(
                f"{V1}/posts/{post['post_id']}/comments", json={"text": "nice"}, headers=auth
            ).status_code
            == 201
        )
    for name in ("bea", "bob"):
        assert api.client.post(f"{V1}/users/{name}/follow", headers=oli).status_code == 200
    for auth in (bea, bob):
        assert api.client.post(f"{V1}/users/vic/follow", headers=auth).status_code == 200
    api.container.core.running_bus().drain(10)
    assert actors(api, vic) == {"bea", "bob"}  # "... started following you"
    assert api.client.post(f"{V1}/users/vic/block", headers=bea).status_code == 204
    assert api.client.post(f"{V1}/users/bob/block", headers=vic).status_code == 204

    lists = {
        "followers": ("/users/oli/followers", {}),
        "following": ("/users/oli/following", {}),
        "comments": (f"/posts/{post['post_id']}/comments", {}),
        "search": ("/search", {"q": "b"}),
    }
    for what, (path, params) in lists.items():
        assert usernames(api, path, vic, **params) & {"bea", "bob"} == set(), what
        assert usernames(api, path, cal, **params) >= {"bea", "bob"}, what
    assert actors(api, vic) == set()
    assert usernames(api, "/search", bea, q="v") == set()
    assert usernames(api, "/search", cal, q="v") == {"vic"}

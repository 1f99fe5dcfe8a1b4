"""Search, hashtag pages and places through HTTP, with their errors, on the embedded profile
(SQLite-backed index) and the production profile (Elasticsearch 7.10.2, refreshed about once
a second, hence :func:`eventually`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import attrs
import pytest
from litestar.testing import TestClient

from instagram_entrypoints.config import Settings
from instagram_entrypoints.containers import build_container
from instagram_entrypoints.http.app import create_app
from tests.engines import free_port
from tests.integration.conftest import Api
from tests.support import photo

# The production profile starts five engines on first use; loaded CI machines need time.
pytestmark = pytest.mark.timeout(600)

V1 = "/api/v1"
T = TypeVar("T")
PARIS = {"lat": 48.8584, "lng": 2.2945, "name": "Eiffel Tower"}
PARIS_AGAIN = {"lat": 48.8585, "lng": 2.2946, "name": "eiffel tower!"}
LOUVRE = {"lat": 48.8606, "lng": 2.3376, "name": "Louvre"}


@pytest.fixture(params=["embedded", "production"])
def profile_api(request: pytest.FixtureRequest) -> Api:
    api: Api = request.getfixturevalue("api" if request.param == "embedded" else "prod_api")
    return api


def eventually(read: Callable[[], T], check: Callable[[T], bool], timeout: float = 20) -> T:
    """``read()`` once ``check`` holds of it (search is near-real-time on Elasticsearch)."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if check(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def get(api: Api, path: str, auth: dict[str, str], **params: Any) -> Any:
    answer = api.client.get(V1 + path, headers=auth, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def error(api: Api, path: str, auth: dict[str, str], status: int, **params: Any) -> str:
    answer = api.client.get(V1 + path, headers=auth, params=params)
    assert answer.status_code == status, answer.text
    code: str = answer.json()["error"]["code"]
    return code


def test_search_users_hashtags_and_places_with_privacy_and_blocks(profile_api: Api) -> None:
    api = profile_api
    ann = api.register("annika")
    pia = api.register("pia_private", private=True)
    fan = api.register("fan")
    blocker = api.register("annabel")
    api.publish(ann, photo("mobile_jolla.jpg"), caption="#travel #paris", location=PARIS)
    api.publish(pia, photo("mobile_jolla.jpg"), caption="#travel", location=PARIS_AGAIN)
    assert api.client.post(f"{V1}/users/pia_private/follow", headers=fan).status_code == 200
    approved = api.client.post(f"{V1}/follow-requests/fan/approve", headers=pia)
    assert approved.status_code == 204
    assert api.client.post(f"{V1}/users/fan/block", headers=blocker).status_code == 204

    def travel(auth: dict[str, str]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = get(api, "/search", auth, q="#trav")["hashtags"]
        return found

    # a private account's posts count for its approved followers only
    assert eventually(lambda: travel(fan), lambda h: h == [{"tag": "travel", "post_count": 2}])
    assert travel(blocker) == [{"tag": "travel", "post_count": 1}]
    assert get(api, "/hashtags/travel", blocker) == {"tag": "travel", "post_count": 1}
    assert get(api, "/hashtags/%23Travel", fan) == {"tag": "travel", "post_count": 2}

    # typo tolerance, and an account that blocked the viewer is never found
    users = get(api, "/search", fan, q="anika", type="users")
    assert [u["username"] for u in users["users"]] == ["annika"]
    assert users["hashtags"] == []
    assert users["places"] == []
    hit = users["users"][0]
    assert (hit["is_verified"], hit["follower_count"], hit["mutual_count"]) == (False, 0, 0)
    assert [u["username"] for u in get(api, "/search", ann, q="annabel")["users"]] == ["annabel"]
    assert get(api, "/search", fan, q="annabel")["users"] == []  # annabel blocked fan

    # places: the two Eiffel Tower spellings are one place; counts follow the audience
    places = eventually(
        lambda: get(api, "/search", fan, q="eifel", type="places")["places"],
        lambda p: len(p) == 1 and p[0]["post_count"] == 2,
    )
    assert [(p["name"], p["post_count"]) for p in places] == [("Eiffel Tower", 2)]
    place_id = places[0]["place_id"]
    assert get(api, f"/locations/{place_id}", blocker)["post_count"] == 1
    posts = get(api, f"/locations/{place_id}/posts", fan)
    assert [p["author"]["username"] for p in posts["items"]] == ["pia_private", "annika"]
    near = get(api, "/locations/nearby", blocker, lat=48.86, lng=2.30, radius_km=2)
    assert [(n["name"], n["post_count"]) for n in near["items"]] == [("Eiffel Tower", 1)]
    assert near["items"][0]["distance_km"] == pytest.approx(0.5, abs=0.2)


def test_hashtag_pages_paginate_and_order_by_engagement(profile_api: Api) -> None:
    api = profile_api
    ann, bob = api.register("ann"), api.register("bob")
    ids = [
        api.publish(ann, photo("mobile_jolla.jpg"), caption=f"#sunset number {n}")["post_id"]
        for n in range(3)
    ]
    assert api.client.post(f"{V1}/posts/{ids[0]}/like", headers=bob).status_code in (200, 204)
    eventually(lambda: get(api, "/hashtags/sunset", bob), lambda tag: tag["post_count"] == 3)
    recent = get(api, "/hashtags/sunset/posts", bob, order="recent", limit=2)
    assert [p["post_id"] for p in recent["items"]] == [ids[2], ids[1]]
    rest = get(api, "/hashtags/sunset/posts", bob, order="recent", cursor=recent["next_cursor"])
    assert [p["post_id"] for p in rest["items"]] == [ids[0]]
    assert rest["next_cursor"] is None
    top = get(api, "/hashtags/sunset/posts", bob, order="top", limit=1)
    assert [p["post_id"] for p in top["items"]] == [ids[0]]  # the liked one
    more = get(api, "/hashtags/sunset/posts", bob, order="top", cursor=top["next_cursor"])
    assert [p["post_id"] for p in more["items"]] == [ids[2], ids[1]]
    # a blocked author's posts vanish from the page at once
    assert api.client.post(f"{V1}/users/ann/block", headers=bob).status_code == 204
    assert get(api, "/hashtags/sunset/posts", bob, order="recent")["items"] == []


def test_errors_are_422_400_and_404(api: Api) -> None:
    me = api.register("erin")
    assert error(api, "/search", me, 422, q="a", type="reels") == "invalid"
    assert error(api, "/search", me, 422, q="a", limit=0) == "invalid"
    assert error(api, "/search", me, 422, q="a", limit=51) == "invalid"
    assert error(api, "/search", me, 422, q="#a", type="users") == "invalid"
    assert error(api, "/search", me, 422, q="  ") == "invalid"
    assert error(api, "/hashtags/sunset/posts", me, 422, order="best") == "invalid"
    assert error(api, "/hashtags/sunset/posts", me, 400, cursor="x") == "malformed_cursor"
    assert (
        error(api, "/hashtags/sunset/posts", me, 400, order="recent", cursor="1:2")
        == "malformed_cursor"
    )
    assert error(api, "/locations/nearby", me, 422, lat=91, lng=0) == "invalid"
    assert error(api, "/locations/nearby", me, 422, lat=0, lng=-181) == "invalid"
    assert error(api, "/locations/nearby", me, 422, lat=0, lng=0, radius_km=0) == "invalid"
    assert error(api, "/locations/nearby", me, 422, lat=0, lng=0, radius_km=101) == "invalid"
    assert error(api, "/locations/unknown", me, 404) == "not_found"
    assert error(api, "/locations/unknown/posts", me, 404) == "not_found"
    assert api.client.get(f"{V1}/search", params={"q": "a"}).status_code == 401


def test_search_answers_503_while_elasticsearch_is_down_and_the_rest_works(
    prod_settings: Settings,
) -> None:
    settings = attrs.evolve(
        prod_settings,
        elasticsearch_url=f"http://127.0.0.1:{free_port()}",
        elasticsearch_timeout_seconds=1.0,
    )
    container = build_container(settings)
    with TestClient(create_app(container=container)) as client:
        api = Api(client, container)
        me = api.register("dora")  # registering indexes through the bus: it retries, later
        answer = client.get(f"{V1}/search", params={"q": "do"}, headers=me)
        assert answer.status_code == 503, answer.text
        assert answer.json()["error"]["code"] == "unavailable"
        assert answer.headers["Retry-After"]
        assert error(api, "/hashtags/x", me, 503) == "unavailable"
        assert client.get(f"{V1}/users/dora", headers=me).status_code == 200
        assert client.get(f"{V1}/feed", headers=me).status_code == 200

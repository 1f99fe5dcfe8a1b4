"""Malformed input over HTTP, for every route it can reach: never a 500, always the one
error format, with the status of the API's convention (400 a body that cannot be read as
the declared document, 413 one over the route's size, 422 a value outside its rule)."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from instagram_core.domain.users import DOT_SEGMENTS, USERNAME_PATTERN
from instagram_entrypoints.containers import build_container
from instagram_entrypoints.http.app import create_app
from instagram_entrypoints.http.request_guard import (
    JSON_BODY_LIMIT,
    MAX_JSON_DEPTH,
    SMALL_JSON_BODY_LIMIT,
)
from instagram_entrypoints.http.routes import reserved_usernames
from tests.integration.conftest import Api, embedded_settings

SHARED = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    container = build_container(embedded_settings(tmp_path_factory.mktemp("data")))
    with TestClient(create_app(container=container)) as client:
        yield Api(client, container)


@pytest.fixture(scope="module")
def auth(api: Api) -> dict[str, str]:
    return api.register("input_owner")


# Every route with a JSON body, and a body of the right shape for it.
BODY_ROUTES = [
    ("POST", "/api/v1/accounts", {"username": "x", "password": "correct horse"}),
    ("POST", "/api/v1/auth/token", {"username": "x", "password": "correct horse"}),
    ("PATCH", "/api/v1/users/me", {"bio": "x"}),
    ("POST", "/api/v1/posts", {"media_ids": ["1"]}),
    ("POST", "/api/v1/posts/1/comments", {"text": "x"}),
    ("POST", "/api/v1/stories", {"media_id": "1"}),
    ("POST", "/api/v1/media/1/parts/u/complete", {"parts": []}),
]
SMALL_ROUTES = {"/api/v1/accounts", "/api/v1/auth/token", "/api/v1/users/me"} | {
    "/api/v1/posts/1/comments",
    "/api/v1/stories",
}

PAGINATED = [
    "/api/v1/users/input_owner/posts",
    "/api/v1/users/input_owner/followers",
    "/api/v1/users/input_owner/following",
    "/api/v1/follow-requests",
    "/api/v1/posts/1/comments",
    "/api/v1/notifications",
    "/api/v1/feed",
    "/api/v1/search?q=a",
    "/api/v1/search/trending",
]


def _error(response: Any, status: int) -> str:
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["message"], body
    return str(body["error"]["code"])


def _send(api: Api, method: str, path: str, body: bytes, auth: dict[str, str]) -> Any:
    return api.client.request(method, path, content=body, headers={**auth, **JSON})


def _nested(depth: int) -> bytes:
    opening = "".join("[" if level % 2 else '{"k":' for level in range(depth))
    closing = "".join("]" if level % 2 else "}" for level in reversed(range(depth)))
    return f'{{"text": {opening}1{closing}}}'.encode()


@SHARED
@given(
    route=st.sampled_from(BODY_ROUTES),
    depth=st.integers(min_value=MAX_JSON_DEPTH + 1, max_value=2500),  # within 16 KiB
)
def test_any_nesting_past_the_bound_is_400_with_one_log_line_at_most(
    api: Api,
    auth: dict[str, str],
    caplog: pytest.LogCaptureFixture,
    route: tuple[str, str, Any],
    depth: int,
) -> None:
    method, path, _ = route
    caplog.clear()
    with caplog.at_level(logging.INFO):
        response = _send(api, method, path, _nested(depth - 1), auth)
    assert _error(response, 400) == "bad_request"
    assert "nested deeper" in response.json()["error"]["message"]
    ours = [r for r in caplog.records if r.name != "httpx"]
    assert len(ours) <= 1, ours
    assert not any(r.exc_info for r in ours), ours


@pytest.mark.parametrize(("method", "path", "body"), BODY_ROUTES)
def test_nesting_within_the_bound_reaches_the_handler(
    api: Api, auth: dict[str, str], method: str, path: str, body: dict[str, Any]
) -> None:
    """Not refused for its depth: the same structure a level shallower is only a schema
    mismatch (400 naming the field), never a depth refusal or a 500."""
    response = _send(api, method, path, _nested(MAX_JSON_DEPTH - 1), auth)
    assert response.status_code == 400
    assert "nested deeper" not in response.text


@pytest.mark.parametrize(("method", "path", "body"), BODY_ROUTES)
def test_a_body_over_the_route_limit_is_413(
    api: Api, auth: dict[str, str], method: str, path: str, body: dict[str, Any]
) -> None:
    limit = SMALL_JSON_BODY_LIMIT if path in SMALL_ROUTES else JSON_BODY_LIMIT
    padded = json.dumps({**body, "pad": "x" * limit}).encode()
    assert _error(_send(api, method, path, padded, auth), 413) == "payload_too_large"


def _json_values() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.text(max_size=5),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.lists(st.booleans(), max_size=2),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    )


@SHARED
@given(value=_json_values())
def test_is_private_takes_only_json_booleans(api: Api, auth: dict[str, str], value: Any) -> None:
    before = api.client.get("/api/v1/users/me", headers=auth).json()["is_private"]
    body = json.dumps({"is_private": value}).encode()
    response = _send(api, "PATCH", "/api/v1/users/me", body, auth)
    assert _error(response, 400) == "bad_request"
    assert "is_private" in response.json()["error"]["message"]
    assert api.client.get("/api/v1/users/me", headers=auth).json()["is_private"] == before


@SHARED
@given(route=st.sampled_from(BODY_ROUTES), value=_json_values(), data=st.data())
def test_a_field_of_the_wrong_json_type_is_400_naming_it(
    api: Api, auth: dict[str, str], route: tuple[str, str, Any], value: Any, data: Any
) -> None:
    method, path, body = route
    field = data.draw(st.sampled_from(sorted(body)))
    if isinstance(value, type(body[field])) and not isinstance(value, bool):
        return  # the right type after all
    wrong = json.dumps({**body, field: value}).encode()
    response = _send(api, method, path, wrong, auth)
    assert _error(response, 400) == "bad_request"
    assert field in response.json()["error"]["message"]


@pytest.mark.parametrize(("method", "path", "body"), BODY_ROUTES)
def test_an_unknown_field_is_400(
    api: Api, auth: dict[str, str], method: str, path: str, body: dict[str, Any]
) -> None:
    response = _send(api, method, path, json.dumps({**body, "surprise": 1}).encode(), auth)
    assert _error(response, 400) == "bad_request"
    assert "surprise" in response.json()["error"]["message"]


def _bad_limits() -> st.SearchStrategy[str]:
    out_of_range = st.integers().filter(lambda n: not 1 <= n <= 50).map(str)
    not_decimal = st.text(min_size=1, max_size=8).filter(lambda s: not re.fullmatch("[0-9]+", s))
    spelled = st.sampled_from(["1e3", "1e1", "20.0", "+5", " 5", "5 ", "0x10", "1_0", "\u0665"])
    return st.one_of(out_of_range, not_decimal, spelled)


@SHARED
@given(path=st.sampled_from(PAGINATED), limit=_bad_limits())
def test_any_non_integer_or_out_of_range_limit_is_422(
    api: Api, auth: dict[str, str], path: str, limit: str
) -> None:
    base, _, query = path.partition("?")
    params = dict(p.split("=") for p in query.split("&") if p)
    response = api.client.get(base, params={**params, "limit": limit}, headers=auth)
    assert _error(response, 422) == "invalid"
    assert "limit must be an integer from 1 to 50" in response.json()["error"]["message"]


@SHARED
@given(path=st.sampled_from(PAGINATED), limit=st.integers(min_value=1, max_value=50))
def test_every_limit_in_range_is_accepted(
    api: Api, auth: dict[str, str], path: str, limit: int
) -> None:
    base, _, query = path.partition("?")
    params = dict(p.split("=") for p in query.split("&") if p)
    response = api.client.get(base, params={**params, "limit": str(limit)}, headers=auth)
    assert response.status_code in (200, 404), response.text  # post 1 does not exist


def test_a_1025_character_password_is_refused_for_its_length(api: Api) -> None:
    body = {"username": "longpass", "password": "p" * 1025}
    response = api.client.post("/api/v1/accounts", json=body)
    assert _error(response, 422) == "invalid"
    assert "at most 1024" in response.json()["error"]["message"]


def _route_words(app_routes: Any) -> set[str]:
    """Independently of the reserved list: every fixed segment of the running app's paths."""
    return {
        segment.lower()
        for route in app_routes
        for segment in route.path.split("/")
        if segment and "{" not in segment and USERNAME_PATTERN.fullmatch(segment.lower())
    }


def test_every_route_word_of_the_running_app_is_reserved(api: Api) -> None:
    words = _route_words(api.client.app.routes)
    assert {"me", "posts", "followers", "feed", "schema"} <= words
    assert words <= reserved_usernames()


@SHARED
@given(word=st.sampled_from(sorted(reserved_usernames() | DOT_SEGMENTS)))
def test_any_reserved_name_is_refused_with_422(api: Api, word: str) -> None:
    response = api.client.post("/api/v1/accounts", json={"username": word, "password": "x" * 8})
    assert _error(response, 422) == "invalid"
    assert "reserved" in response.json()["error"]["message"]


def test_the_docs_list_the_reserved_names() -> None:
    text = (Path(__file__).parents[2] / "docs" / "input-rules.md").read_text()
    line = next(line for line in text.splitlines() if line.startswith("Reserved: "))
    assert set(re.findall(r"`([^`]+)`", line)) == reserved_usernames() | DOT_SEGMENTS

"""Every error status the API can return, in the one error format."""

from __future__ import annotations

from typing import Any

from instagram_adapters.memory.clock import ManualClock
from instagram_core.domain.errors import Unavailable
from tests.integration.conftest import Api, local
from tests.support import jpeg_bytes


def error_code(response: Any) -> str:
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["message"]
    return str(body["error"]["code"])


def test_malformed_json_is_400(api: Api) -> None:
    response = api.client.post(
        "/api/v1/accounts", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    error_code(response)


def test_missing_fields_are_400(api: Api) -> None:
    response = api.client.post("/api/v1/accounts", json={"username": "alice"})
    assert response.status_code == 400


def test_missing_or_bad_token_is_401(api: Api) -> None:
    assert api.client.get("/api/v1/feed").status_code == 401
    bad = api.client.get("/api/v1/feed", headers={"Authorization": "Bearer nonsense"})
    assert bad.status_code == 401
    assert error_code(bad) == "unauthenticated"
    wrong = api.client.post("/api/v1/auth/token", json={"username": "x", "password": "y" * 8})
    assert wrong.status_code == 401


def test_not_found_is_404(api: Api) -> None:
    auth = api.register("alice")
    assert api.client.get("/api/v1/users/nobody", headers=auth).status_code == 404
    assert api.client.get("/api/v1/posts/123", headers=auth).status_code == 404
    assert api.client.get("/api/v1/posts/not-a-number", headers=auth).status_code == 404
    assert error_code(api.client.get("/api/v1/posts/1", headers=auth)) == "not_found"


def test_taken_username_is_409(api: Api) -> None:
    api.register("alice")
    again = api.client.post("/api/v1/accounts", json={"username": "ALICE", "password": "12345678"})
    assert again.status_code == 409
    assert error_code(again) == "conflict"


def test_business_rule_violations_are_422(api: Api) -> None:
    bad_name = api.client.post(
        "/api/v1/accounts", json={"username": "no spaces", "password": "12345678"}
    )
    assert bad_name.status_code == 422
    short = api.client.post("/api/v1/accounts", json={"username": "ok", "password": "short"})
    assert short.status_code == 422
    auth = api.register("alice")
    assert api.client.get("/api/v1/feed?limit=51", headers=auth).status_code == 422
    assert api.client.get("/api/v1/feed?limit=0", headers=auth).status_code == 422
    assert api.client.post("/api/v1/users/alice/follow", headers=auth).status_code == 422
    unsupported = api.client.get(
        "/api/v1/media/upload-url",
        params={"type": "image", "content_type": "text/html"},
        headers=auth,
    )
    assert unsupported.status_code == 422
    unknown = api.client.post("/api/v1/posts", json={"media_ids": ["999"]}, headers=auth)
    assert unknown.status_code == 422
    nonsense = api.client.post("/api/v1/posts", json={"media_ids": ["media-uuid-1"]}, headers=auth)
    assert nonsense.status_code == 422
    empty = api.client.post("/api/v1/posts", json={"media_ids": []}, headers=auth)
    assert empty.status_code == 422


def test_never_uploaded_media_is_422(api: Api) -> None:
    auth = api.register("alice")
    ticket = api.client.get(
        "/api/v1/media/upload-url",
        params={"type": "image", "content_type": "image/jpeg"},
        headers=auth,
    ).json()
    response = api.client.post(
        "/api/v1/posts", json={"media_ids": [ticket["media_id"]]}, headers=auth
    )
    assert response.status_code == 422
    assert "never uploaded" in response.json()["error"]["message"]


def test_non_image_bytes_are_422_when_the_post_is_created(api: Api) -> None:
    auth = api.register("alice")
    media_id = api.upload(auth, b"<html>not an image</html>")
    created = api.client.post("/api/v1/posts", json={"media_ids": [media_id]}, headers=auth)
    assert created.status_code == 422
    assert "not a supported image" in created.json()["error"]["message"]


def test_a_mislabelled_file_is_422(api: Api) -> None:
    auth = api.register("alice")
    media_id = api.upload(auth, jpeg_bytes(), "image/png")
    created = api.client.post("/api/v1/posts", json={"media_ids": [media_id]}, headers=auth)
    assert created.status_code == 422
    assert "image/jpeg" in created.json()["error"]["message"]


def test_the_21st_comment_in_a_minute_is_429_with_retry_after(api: Api) -> None:
    auth = api.register("alice")
    post = api.publish(auth, jpeg_bytes())
    path = f"/api/v1/posts/{post['post_id']}/comments"
    for i in range(20):
        assert api.client.post(path, json={"text": f"c{i}"}, headers=auth).status_code == 201
    refused = api.client.post(path, json={"text": "one more"}, headers=auth)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert error_code(refused) == "rate_limited"


def test_tampered_or_expired_upload_urls_are_403(api: Api) -> None:
    auth = api.register("alice")
    ticket = api.client.get(
        "/api/v1/media/upload-url",
        params={"type": "image", "content_type": "image/jpeg"},
        headers=auth,
    ).json()
    url = local(ticket["upload_url"])
    tampered = url.replace("max=", "max=9")
    jpeg = {"Content-Type": "image/jpeg"}
    assert api.client.put(tampered, content=jpeg_bytes(), headers=jpeg).status_code == 403
    other_key = url.replace(ticket["media_id"], str(int(ticket["media_id"]) + 1))
    assert api.client.put(other_key, content=jpeg_bytes(), headers=jpeg).status_code == 403
    wrong_type = api.client.put(url, content=jpeg_bytes(), headers={"Content-Type": "image/png"})
    assert wrong_type.status_code == 422


def test_expired_links_are_403(tmp_path: Any) -> None:
    from datetime import UTC, datetime

    from dependency_injector import providers
    from litestar.testing import TestClient

    from instagram_entrypoints.containers import build_container
    from instagram_entrypoints.http.app import create_app
    from tests.integration.conftest import embedded_settings

    clock = ManualClock(datetime.now(UTC))
    container = build_container(embedded_settings(tmp_path))
    container.adapters.clock.override(providers.Object(clock))
    with TestClient(create_app(container=container)) as client:
        api = Api(client, container)
        auth = api.register("alice")
        ticket = client.get(
            "/api/v1/media/upload-url",
            params={"type": "image", "content_type": "image/jpeg"},
            headers=auth,
        ).json()
        clock.advance(16 * 60)
        expired = client.put(
            local(ticket["upload_url"]),
            content=jpeg_bytes(),
            headers={"Content-Type": "image/jpeg"},
        )
        assert expired.status_code == 403
        assert "expired" in expired.json()["error"]["message"]


def test_oversized_uploads_are_413(tmp_path: Any) -> None:
    from litestar.testing import TestClient

    from instagram_entrypoints.containers import build_container
    from instagram_entrypoints.http.app import create_app
    from tests.integration.conftest import embedded_settings

    container = build_container(embedded_settings(tmp_path, max_upload_bytes=1000))
    with TestClient(create_app(container=container)) as client:
        auth = Api(client, container).register("alice")
        ticket = client.get(
            "/api/v1/media/upload-url",
            params={"type": "image", "content_type": "image/jpeg"},
            headers=auth,
        ).json()
        response = client.put(
            local(ticket["upload_url"]), content=b"x" * 5000, headers={"Content-Type": "image/jpeg"}
        )
        assert response.status_code == 413


class _SwitchableUserStore:
    """The real store until ``down`` is set; then every call fails as an engine outage."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.down = False

    def __getattr__(self, name: str) -> Any:
        if not self.down:
            return getattr(self._inner, name)

        def unavailable(*args: Any, **kwargs: Any) -> Any:
            raise Unavailable("database is down")

        return unavailable


def test_a_dependency_down_is_503_and_readyz_says_so(tmp_path: Any) -> None:
    from dependency_injector import providers
    from litestar.testing import TestClient

    from instagram_entrypoints.containers import build_container
    from instagram_entrypoints.http.app import create_app
    from tests.integration.conftest import embedded_settings

    container = build_container(embedded_settings(tmp_path))
    users = _SwitchableUserStore(container.adapters.users())
    container.adapters.users.override(providers.Object(users))
    with TestClient(create_app(container=container)) as client:
        auth = Api(client, container).register("alice")
        assert client.get("/readyz").status_code == 200
        users.down = True
        response = client.get("/api/v1/users/alice", headers=auth)
        assert response.status_code == 503
        assert error_code(response) == "unavailable"
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["dependencies"]["database"].startswith("error")
        users.down = False
        assert client.get("/api/v1/users/alice", headers=auth).status_code == 200
        assert client.get("/readyz").status_code == 200


def test_health_and_schema(api: Api) -> None:
    assert api.client.get("/healthz").json() == {"status": "ok"}
    schema = api.client.get("/schema/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/posts" in schema.json()["paths"]

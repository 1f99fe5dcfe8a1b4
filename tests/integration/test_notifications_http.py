"""Notifications over HTTP on both profiles: items and read state, the unread count,
settings, devices, and a push reaching a real webhook receiver through the event bus."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from litestar.testing import TestClient

from instagram_core.domain.notifications import NotificationKind
from instagram_core.services.push_devices import MAX_DEVICES_PER_USER
from instagram_entrypoints.containers import build_container
from instagram_entrypoints.http.app import create_app
from tests.integration.conftest import Api, embedded_settings
from tests.schema_support import assert_declared
from tests.support import jpeg_bytes
from tests.webhook_receiver import webhook_receiver

V1 = "/api/v1"
ITEM_KEYS = {
    "notification_id",
    "kind",
    "actors",
    "actor_count",
    "post_id",
    "comment_id",
    "created_at",
    "text",
    "read",
}


@pytest.fixture(params=["embedded", "production"])
def profile_api(request: pytest.FixtureRequest) -> Api:
    api: Api = request.getfixturevalue("api" if request.param == "embedded" else "prod_api")
    return api


def drain(api: Api) -> None:
    api.container.core.running_bus().drain(30)


def items(api: Api, auth: dict[str, str]) -> list[dict[str, Any]]:
    answer = api.client.get(f"{V1}/notifications", headers=auth)
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()["items"]
    return found


def unread(api: Api, auth: dict[str, str]) -> int:
    answer = api.client.get(f"{V1}/notifications/unread-count", headers=auth)
    assert answer.status_code == 200, answer.text
    assert set(answer.json()) == {"count"}
    count: int = answer.json()["count"]
    return count


def test_items_read_state_and_the_unread_count(profile_api: Api) -> None:
    api = profile_api
    alice, bob, carol = api.register("alice"), api.register("bob"), api.register("carol")
    post_id = api.publish(alice, jpeg_bytes())["post_id"]
    other_id = api.publish(alice, jpeg_bytes())["post_id"]
    assert unread(api, alice) == 0
    for fan in (bob, carol):
        assert api.client.post(f"{V1}/posts/{post_id}/like", headers=fan).status_code == 200
    drain(api)
    (item,) = items(api, alice)
    assert set(item) == ITEM_KEYS
    assert (item["kind"], item["actor_count"], item["read"]) == ("like", 2, False)
    assert [a["username"] for a in item["actors"]] == ["carol", "bob"]
    assert item["text"] == "carol and 1 other liked your post"
    assert unread(api, alice) == 1

    read = api.client.post(f"{V1}/notifications/read", headers=alice)
    assert read.status_code == 204
    assert unread(api, alice) == 0
    assert [i["read"] for i in items(api, alice)] == [True]

    api.client.post(f"{V1}/posts/{other_id}/like", headers=bob)
    api.client.post(f"{V1}/posts/{post_id}/comments", json={"text": "hi"}, headers=carol)
    drain(api)
    listed = items(api, alice)
    assert [(i["kind"], i["read"]) for i in listed] == [
        ("comment", False),
        ("like", False),
        ("like", True),
    ]
    assert unread(api, alice) == 2
    # up to the middle one: it and the older ones are read, the newest is not
    up_to = listed[1]["notification_id"]
    assert (
        api.client.post(
            f"{V1}/notifications/read", json={"up_to": up_to}, headers=alice
        ).status_code
        == 204
    )
    assert [i["read"] for i in items(api, alice)] == [False, True, True]
    assert unread(api, alice) == 1

    # a blocked actor leaves the count, the text and the unread count at once
    assert api.client.post(f"{V1}/users/carol/block", headers=alice).status_code == 204
    listed = items(api, alice)
    assert [(i["kind"], i["actor_count"]) for i in listed] == [("like", 1), ("like", 1)]
    assert listed[1]["text"] == "bob liked your post"
    assert unread(api, alice) == 0


def test_read_errors(profile_api: Api) -> None:
    api = profile_api
    alice = api.register("alice")
    for body, status in [
        ({"up_to": "not-an-id"}, 422),
        ({"up_to": 12}, 400),
        ({"until": "1"}, 400),
    ]:
        answer = api.client.post(f"{V1}/notifications/read", json=body, headers=alice)
        assert answer.status_code == status, (body, answer.text)
        assert set(answer.json()["error"]) >= {"code", "message"}
    assert api.client.post(f"{V1}/notifications/read").status_code == 401
    assert api.client.get(f"{V1}/notifications/unread-count").status_code == 401


def test_notification_settings(profile_api: Api) -> None:
    api = profile_api
    alice = api.register("alice")
    path = f"{V1}/users/me/notification-settings"
    default = api.client.get(path, headers=alice)
    assert default.status_code == 200
    assert default.json() == {"push": {str(k): True for k in NotificationKind}}
    changed = api.client.patch(path, json={"push": {"like": False, "tag": False}}, headers=alice)
    assert changed.status_code == 200, changed.text
    assert changed.json()["push"]["like"] is False
    again = api.client.patch(path, json={"push": {"tag": True}}, headers=alice)
    assert {k for k, on in again.json()["push"].items() if not on} == {"like"}
    assert api.client.get(path, headers=alice).json() == again.json()
    for body, status in [
        ({"push": {"poke": False}}, 422),
        ({"push": {"like": "no"}}, 400),
        ({"push": ["like"]}, 400),
        ({}, 400),
    ]:
        answer = api.client.patch(path, json=body, headers=alice)
        assert answer.status_code == status, (body, answer.text)
    assert api.client.get(path).status_code == 401
    assert api.client.patch(path, json={"push": {}}).status_code == 401


def test_devices(profile_api: Api) -> None:
    api = profile_api
    alice, bob = api.register("alice"), api.register("bob")
    hook = api.client.post(
        f"{V1}/devices",
        json={"platform": "webhook", "url": "https://example.test/hook"},
        headers=alice,
    )
    assert hook.status_code == 201, hook.text
    assert len(hook.json()["signing_secret"]) == 64
    phone = api.client.post(
        f"{V1}/devices", json={"platform": "apns", "token": "ab" * 32}, headers=alice
    )
    assert phone.status_code == 201
    assert phone.json()["signing_secret"] is None
    listed = api.client.get(f"{V1}/devices", headers=alice).json()["items"]
    assert [d["device_id"] for d in listed] == [hook.json()["device_id"], phone.json()["device_id"]]
    assert all("signing_secret" not in d for d in listed)
    for body, status in [
        ({"platform": "sms", "token": "x"}, 422),
        ({"platform": "webhook"}, 422),
        ({"platform": "webhook", "url": "not a url"}, 422),
        ({"platform": "fcm", "url": "https://example.test/"}, 422),
        ({"platform": "apns", "token": "xyz"}, 422),
        ({"token": "x"}, 400),
        ({"platform": "fcm", "token": "x", "extra": 1}, 400),
    ]:
        answer = api.client.post(f"{V1}/devices", json=body, headers=alice)
        assert answer.status_code == status, (body, answer.text)
    device_id = hook.json()["device_id"]
    assert api.client.delete(f"{V1}/devices/{device_id}", headers=bob).status_code == 404
    assert api.client.delete(f"{V1}/devices/{device_id}", headers=alice).status_code == 204
    assert api.client.delete(f"{V1}/devices/{device_id}", headers=alice).status_code == 404
    assert api.client.delete(f"{V1}/devices/nonsense", headers=alice).status_code == 404
    assert api.client.post(f"{V1}/devices", json={"platform": "fcm", "token": "t"}).status_code == (
        401
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "https://169.254.169.254/latest/meta-data/",
        "http://10.0.0.7/hook",
        "http://[::1]/hook",
        "http://[::ffff:192.168.1.1]/hook",
    ],
)
def test_a_webhook_to_a_private_address_is_a_declared_422(api: Api, url: str) -> None:
    alice = api.register("alice")
    body = {"platform": "webhook", "url": url}
    refused = api.client.post(f"{V1}/devices", json=body, headers=alice)
    assert refused.status_code == 422, refused.text
    assert "public address" in refused.json()["error"]["message"]
    assert_declared(api.client, refused)
    assert api.client.get(f"{V1}/devices", headers=alice).json()["items"] == []


def test_a_device_past_the_limit_is_a_declared_409(api: Api) -> None:
    alice = api.register("alice")
    for number in range(MAX_DEVICES_PER_USER):
        body = {"platform": "apns", "token": f"{number:064x}"}
        assert api.client.post(f"{V1}/devices", json=body, headers=alice).status_code == 201
    body = {"platform": "apns", "token": "f" * 64}
    refused = api.client.post(f"{V1}/devices", json=body, headers=alice)
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "conflict"
    assert_declared(api.client, refused)
    again = {"platform": "apns", "token": f"{0:064x}"}  # one already registered: not new
    assert api.client.post(f"{V1}/devices", json=again, headers=alice).status_code == 201


@pytest.fixture(params=["embedded", "production"])
def hook_api(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Api]:
    """An app whose webhooks may reach this machine, where the test's receiver listens."""
    if request.param == "embedded":
        settings = embedded_settings(tmp_path / "data", private_webhooks=True)
    else:
        settings = attrs.evolve(request.getfixturevalue("prod_settings"), private_webhooks=True)
    container = build_container(settings)
    with TestClient(create_app(container=container)) as client:
        yield Api(client, container)


def test_a_like_reaches_a_webhook_signed_and_once_per_five_minutes(hook_api: Api) -> None:
    api = hook_api
    alice, bob, carol = api.register("alice"), api.register("bob"), api.register("carol")
    post_id = api.publish(alice, jpeg_bytes())["post_id"]
    with webhook_receiver() as receiver:
        created = api.client.post(
            f"{V1}/devices",
            json={"platform": "webhook", "url": receiver.url("/alice")},
            headers=alice,
        )
        receiver.secrets["/alice"] = created.json()["signing_secret"]
        api.client.post(f"{V1}/posts/{post_id}/like", headers=bob)
        api.client.post(f"{V1}/posts/{post_id}/like", headers=carol)
        drain(api)
        got = receiver.wait_for(1)
    assert [r.verdict for r in got] == [204]  # verified; carol's like was within 5 minutes
    body = json.loads(got[0].body)
    assert (body["kind"], body["post_id"], body["text"]) == (
        "like",
        post_id,
        "bob liked your post",
    )
    assert items(api, alice)[0]["actor_count"] == 2  # the list is complete all the same

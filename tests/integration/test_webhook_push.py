"""The webhook gateway against a real local HTTP receiver that verifies the signature."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import httpx
import pytest

from instagram_adapters.memory.clock import ManualClock
from instagram_adapters.push.webhook import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebhookPushGateway,
    signature,
    verify,
)
from instagram_core.domain.errors import Unavailable
from instagram_core.domain.notifications import Device, Platform
from instagram_core.ports.push import DeviceGone, PushMessage, PushRejected
from tests.webhook_receiver import webhook_receiver

SECRET = "k" * 64
MESSAGE = PushMessage("alice", "like", "bob liked your post", post_id=7, notification_id=99)


def hook(url: str, secret: str = SECRET) -> Device:
    return Device(5, "alice", Platform.WEBHOOK, url, datetime.now(UTC), secret)


@pytest.fixture
def gateway() -> WebhookPushGateway:
    return WebhookPushGateway(httpx.Client(timeout=5.0), ManualClock(datetime.now(UTC)))


def test_the_receiver_gets_signed_json_it_can_verify(gateway: WebhookPushGateway) -> None:
    with webhook_receiver() as receiver:
        receiver.secrets["/hook"] = SECRET
        gateway.send(hook(receiver.url("/hook")), MESSAGE)
        (got,) = receiver.wait_for(1)
    assert got.verdict == 204
    assert json.loads(got.body) == {
        "device_id": "5",
        "kind": "like",
        "text": "bob liked your post",
        "post_id": "7",
        "notification_id": "99",
    }
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers[SIGNATURE_HEADER].startswith("v1=")


def test_a_wrong_secret_is_refused_by_the_receiver_and_the_push_dropped(
    gateway: WebhookPushGateway,
) -> None:
    with webhook_receiver() as receiver:
        receiver.secrets["/hook"] = "another secret"
        with pytest.raises(PushRejected, match="401"):
            gateway.send(hook(receiver.url("/hook")), MESSAGE)


def test_a_replayed_request_is_rejected_by_the_receiver() -> None:
    stale = ManualClock(datetime.fromtimestamp(time.time() - 3600, UTC))  # an hour-old capture
    old = WebhookPushGateway(httpx.Client(timeout=5.0), stale)
    with webhook_receiver() as receiver:
        receiver.secrets["/hook"] = SECRET
        with pytest.raises(PushRejected, match="401"):
            old.send(hook(receiver.url("/hook")), MESSAGE)
        request = WebhookPushGateway(httpx.Client(), ManualClock(datetime.now(UTC))).build_request(
            hook(receiver.url("/hook")), MESSAGE
        )
        with httpx.Client() as client:
            first = client.send(request)
            again = client.post(request.url, content=request.content, headers=request.headers)
    assert (first.status_code, again.status_code) == (204, 409)


def test_gone_and_later_and_refusals_are_told_apart(gateway: WebhookPushGateway) -> None:
    with webhook_receiver() as receiver:
        for path, status in {"/gone": 410, "/busy": 503, "/limited": 429, "/bad": 400}.items():
            receiver.secrets[path] = SECRET
            receiver.statuses[path] = status
        with pytest.raises(DeviceGone):
            gateway.send(hook(receiver.url("/gone")), MESSAGE)
        with pytest.raises(Unavailable):
            gateway.send(hook(receiver.url("/busy")), MESSAGE)
        with pytest.raises(Unavailable):
            gateway.send(hook(receiver.url("/limited")), MESSAGE)
        with pytest.raises(PushRejected):
            gateway.send(hook(receiver.url("/bad")), MESSAGE)


def test_an_unreachable_receiver_is_unavailable_for_a_retry(gateway: WebhookPushGateway) -> None:
    with webhook_receiver() as receiver:
        url = receiver.url("/hook")
    with pytest.raises(Unavailable, match="unreachable"):
        gateway.send(hook(url), MESSAGE)


def test_verify_checks_the_signature_and_the_age() -> None:
    body = b'{"a":1}'
    signed = signature(SECRET, 1_000, body)
    assert verify(SECRET, "1000", body, signed, now=1_100)
    assert not verify(SECRET, "1000", body + b" ", signed, now=1_100)
    assert not verify(SECRET, "1001", body, signed, now=1_100)
    assert not verify("other", "1000", body, signed, now=1_100)
    assert not verify(SECRET, "1000", body, signed, now=1_000 + 301)
    assert not verify(SECRET, "soon", body, signed, now=1_100)
    assert TIMESTAMP_HEADER == "X-Instagram-Timestamp"

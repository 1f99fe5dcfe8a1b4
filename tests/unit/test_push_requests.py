"""FCM HTTP v1 and APNs: the requests the gateways build, checked against the documented
shapes, and how each service's answers map to gone / later / refused. These gateways were
not run against Google's or Apple's services (docs/notifications.md)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import parse_qs

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from instagram_adapters.memory.clock import ManualClock
from instagram_adapters.push.apns import ApnsPushGateway
from instagram_adapters.push.fcm import (
    FCM_SCOPE,
    JWT_BEARER,
    FcmPushGateway,
    ServiceAccountTokens,
)
from instagram_adapters.push.router import PushRouter
from instagram_core.domain.errors import Unavailable
from instagram_core.domain.notifications import Device, Platform
from instagram_core.ports.push import DeviceGone, PushMessage, PushRejected

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
MESSAGE = PushMessage("alice", "like", "bob and 2 others liked your post", 7, 99)
APNS_TOKEN = "a1" * 32


def pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def recording(
    answer: Callable[[httpx.Request], httpx.Response],
) -> tuple[httpx.Client, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer(request)

    return httpx.Client(transport=httpx.MockTransport(handle)), seen


def device(platform: Platform, address: str) -> Device:
    return Device(3, "alice", platform, address, T0)


def test_fcm_builds_the_v1_send_request() -> None:
    client, _ = recording(lambda r: httpx.Response(200, json={"name": "m/1"}))
    gateway = FcmPushGateway(client, "my-project", lambda: "ya29.token")
    request = gateway.build_request(device(Platform.FCM, "fcm-token"), MESSAGE)
    assert request.method == "POST"
    assert str(request.url) == "https://fcm.googleapis.com/v1/projects/my-project/messages:send"
    assert request.headers["authorization"] == "Bearer ya29.token"
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == {
        "message": {
            "token": "fcm-token",
            "notification": {"title": "Instagram", "body": "bob and 2 others liked your post"},
            "data": {"kind": "like", "post_id": "7", "notification_id": "99"},
            "android": {"collapse_key": "like:7"},
        }
    }


def fcm_error(status: int, code: str) -> httpx.Response:
    detail = {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": code}
    return httpx.Response(
        status, json={"error": {"code": status, "status": code, "details": [detail]}}
    )


@pytest.mark.parametrize(
    ("response", "raised"),
    [
        (fcm_error(404, "UNREGISTERED"), DeviceGone),
        (fcm_error(403, "SENDER_ID_MISMATCH"), DeviceGone),
        (fcm_error(429, "QUOTA_EXCEEDED"), Unavailable),
        (fcm_error(503, "UNAVAILABLE"), Unavailable),
        (fcm_error(500, "INTERNAL"), Unavailable),
        (fcm_error(401, "THIRD_PARTY_AUTH_ERROR"), Unavailable),
        (fcm_error(400, "INVALID_ARGUMENT"), PushRejected),
    ],
)
def test_fcm_answers_map_to_gone_later_or_refused(
    response: httpx.Response, raised: type[Exception]
) -> None:
    client, _ = recording(lambda r: response)
    gateway = FcmPushGateway(client, "p", lambda: "t")
    with pytest.raises(raised):
        gateway.send(device(Platform.FCM, "tok"), MESSAGE)


def test_service_account_tokens_use_the_jwt_bearer_grant_and_are_cached() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    clock = ManualClock(T0)
    client, seen = recording(
        lambda r: httpx.Response(200, json={"access_token": "ya29.a", "expires_in": 3600})
    )
    tokens = ServiceAccountTokens(
        client, clock, "push@my-project.iam.gserviceaccount.com", pem(key), "https://o.test/token"
    )
    assert tokens() == "ya29.a"
    assert tokens() == "ya29.a"
    assert len(seen) == 1
    form = parse_qs(seen[0].content.decode())
    assert str(seen[0].url) == "https://o.test/token"
    assert form["grant_type"] == [JWT_BEARER]
    claims = jwt.decode(
        form["assertion"][0],
        key.public_key(),
        algorithms=["RS256"],
        audience="https://o.test/token",
        options={"verify_exp": False, "verify_iat": False},
    )
    assert claims["iss"] == "push@my-project.iam.gserviceaccount.com"
    assert claims["scope"] == FCM_SCOPE
    assert claims["exp"] - claims["iat"] == 3600
    clock.advance(3600)  # past the cached token's life: a new exchange
    tokens()
    assert len(seen) == 2


def apns_gateway(
    client: httpx.Client, clock: ManualClock, sandbox: bool = False
) -> tuple[ApnsPushGateway, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    gateway = ApnsPushGateway(
        client, clock, pem(key), "KEY123ABCD", "TEAM987XYZ", "com.example.photos", sandbox
    )
    return gateway, key


def test_apns_builds_the_http2_token_auth_request() -> None:
    client, _ = recording(lambda r: httpx.Response(200))
    gateway, key = apns_gateway(client, ManualClock(T0))
    request = gateway.build_request(device(Platform.APNS, APNS_TOKEN), MESSAGE)
    assert request.method == "POST"
    assert str(request.url) == f"https://api.push.apple.com/3/device/{APNS_TOKEN}"
    assert request.headers["apns-topic"] == "com.example.photos"
    assert request.headers["apns-push-type"] == "alert"
    assert request.headers["apns-priority"] == "10"
    assert request.headers["apns-collapse-id"] == "like:7"
    assert int(request.headers["apns-expiration"]) == int(T0.timestamp()) + 86_400
    scheme, token = request.headers["authorization"].split(" ")
    assert scheme == "bearer"
    assert jwt.get_unverified_header(token) == {"alg": "ES256", "kid": "KEY123ABCD", "typ": "JWT"}
    claims = jwt.decode(token, key.public_key(), algorithms=["ES256"])
    assert claims == {"iss": "TEAM987XYZ", "iat": int(T0.timestamp())}
    assert json.loads(request.content) == {
        "aps": {
            "alert": {"body": "bob and 2 others liked your post"},
            "sound": "default",
            "thread-id": "like",
        },
        "kind": "like",
        "post_id": "7",
        "notification_id": "99",
    }


def test_apns_sandbox_host_and_provider_token_reuse() -> None:
    clock = ManualClock(T0)
    client, _ = recording(lambda r: httpx.Response(200))
    gateway, _ = apns_gateway(client, clock, sandbox=True)
    first = gateway.build_request(device(Platform.APNS, APNS_TOKEN), MESSAGE)
    assert first.url.host == "api.sandbox.push.apple.com"
    clock.advance(49 * 60)
    same = gateway.build_request(device(Platform.APNS, APNS_TOKEN), MESSAGE)
    clock.advance(2 * 60)
    renewed = gateway.build_request(device(Platform.APNS, APNS_TOKEN), MESSAGE)
    assert same.headers["authorization"] == first.headers["authorization"]
    assert renewed.headers["authorization"] != first.headers["authorization"]


@pytest.mark.parametrize(
    ("status", "reason", "raised"),
    [
        (410, "Unregistered", DeviceGone),
        (400, "BadDeviceToken", DeviceGone),
        (400, "DeviceTokenNotForTopic", DeviceGone),
        (403, "ExpiredProviderToken", Unavailable),
        (429, "TooManyRequests", Unavailable),
        (503, "ServiceUnavailable", Unavailable),
        (413, "PayloadTooLarge", PushRejected),
    ],
)
def test_apns_answers_map_to_gone_later_or_refused(
    status: int, reason: str, raised: type[Exception]
) -> None:
    client, _ = recording(lambda r: httpx.Response(status, json={"reason": reason}))
    gateway, _ = apns_gateway(client, ManualClock(T0))
    with pytest.raises(raised):
        gateway.send(device(Platform.APNS, APNS_TOKEN), MESSAGE)


def test_the_http2_client_speaks_http2_only() -> None:
    from instagram_adapters.push.apns import http2_client

    with http2_client() as client:
        assert client._transport._pool._http2 is True  # type: ignore[attr-defined]
        assert client._transport._pool._http1 is False  # type: ignore[attr-defined]


def test_the_router_refuses_a_platform_without_a_gateway() -> None:
    router = PushRouter({})
    with pytest.raises(PushRejected, match="not configured"):
        router.send(device(Platform.APNS, APNS_TOKEN), MESSAGE)

"""Pushes to iOS through Apple Push Notification service: HTTP/2, token-based auth.

The request is the documented one (developer.apple.com, "Sending notification requests to
APNs"): ``POST /3/device/<device token>`` on ``api.push.apple.com`` (``api.sandbox...`` for
development builds) over HTTP/2, with ``authorization: bearer <JWT>`` (ES256, header ``kid``
= the key id, claims ``iss`` = the team id and ``iat``; reused for 50 minutes, as Apple
asks for a new one between 20 and 60), ``apns-topic`` (the app's bundle id),
``apns-push-type: alert``, ``apns-priority: 10`` and an ``apns-collapse-id`` so a burst on
one post replaces rather than stacks. 410 (``Unregistered``) or a 400 ``BadDeviceToken`` /
``DeviceTokenNotForTopic`` means the device is gone.

Tested on the requests built, not against Apple's service (see docs/notifications.md).
"""

from __future__ import annotations

import json
import threading
import uuid

import httpx
import jwt

from instagram_adapters.extras import require
from instagram_adapters.push.outcomes import RETRY_LATER, unavailable_on_transport_error
from instagram_core.domain.errors import Unavailable
from instagram_core.domain.notifications import Device
from instagram_core.ports.clock import Clock
from instagram_core.ports.push import DeviceGone, PushMessage, PushRejected

require("instagram_adapters.push.apns", h2="server")

PRODUCTION_HOST = "https://api.push.apple.com"
SANDBOX_HOST = "https://api.sandbox.push.apple.com"
TOKEN_REUSE_SECONDS = 50 * 60
MAX_PAYLOAD_BYTES = 4096
_GONE_REASONS = frozenset({"Unregistered", "BadDeviceToken", "DeviceTokenNotForTopic"})
_STALE_TOKEN_REASONS = frozenset({"ExpiredProviderToken", "InvalidProviderToken"})


def http2_client(timeout: float = 10.0) -> httpx.Client:
    """The client APNs needs: HTTP/2 only (Apple refuses HTTP/1.1)."""
    return httpx.Client(http1=False, http2=True, timeout=timeout)


class ApnsPushGateway:
    """A :class:`~instagram_core.ports.PushGateway` for ``apns`` devices."""

    def __init__(
        self,
        client: httpx.Client,
        clock: Clock,
        key_pem: str,
        key_id: str,
        team_id: str,
        topic: str,
        sandbox: bool = False,
    ) -> None:
        self._client = client
        self._clock = clock
        self._key = key_pem
        self._key_id = key_id
        self._team_id = team_id
        self._topic = topic
        self._host = SANDBOX_HOST if sandbox else PRODUCTION_HOST
        self._lock = threading.Lock()
        self._token: tuple[str, float] | None = None

    def provider_token(self) -> str:
        """The signed JWT, made again once it is 50 minutes old."""
        with self._lock:
            now = self._clock.now().timestamp()
            if self._token is None or now - self._token[1] >= TOKEN_REUSE_SECONDS:
                signed = jwt.encode(
                    {"iss": self._team_id, "iat": int(now)},
                    self._key,
                    algorithm="ES256",
                    headers={"kid": self._key_id},
                )
                self._token = (signed, now)
            return self._token[0]

    def build_request(self, device: Device, message: PushMessage) -> httpx.Request:
        body: dict[str, object] = {
            "aps": {"alert": {"body": message.text}, "sound": "default", "thread-id": message.kind},
            "kind": message.kind,
        }
        if message.post_id is not None:
            body["post_id"] = str(message.post_id)
        if message.notification_id is not None:
            body["notification_id"] = str(message.notification_id)
        content = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
        if len(content) > MAX_PAYLOAD_BYTES:
            raise PushRejected(f"APNs payload of {len(content)} bytes exceeds 4096")
        expiration = int(self._clock.now().timestamp()) + 86_400
        return self._client.build_request(
            "POST",
            f"{self._host}/3/device/{device.address}",
            content=content,
            headers={
                "authorization": f"bearer {self.provider_token()}",
                "apns-topic": self._topic,
                "apns-push-type": "alert",
                "apns-priority": "10",
                "apns-expiration": str(expiration),
                "apns-collapse-id": f"{message.kind}:{message.post_id}"[:64],
                "apns-id": str(uuid.uuid4()),
                "content-type": "application/json",
            },
        )

    def send(self, device: Device, message: PushMessage) -> None:
        request = self.build_request(device, message)
        with unavailable_on_transport_error("APNs"):
            response = self._client.send(request)
        status = response.status_code
        if status == 200:
            return
        reason = _reason(response)
        if status == 410 or reason in _GONE_REASONS:
            raise DeviceGone(f"APNs: {status} {reason} for device {device.device_id}")
        if reason in _STALE_TOKEN_REASONS:
            with self._lock:
                self._token = None
            raise Unavailable(f"APNs refused the provider token ({reason}); will retry")
        if status in RETRY_LATER:
            raise Unavailable(f"APNs answered {status} {reason}; will retry")
        raise PushRejected(f"APNs answered {status} {reason}")


def _reason(response: httpx.Response) -> str:
    try:
        return str(response.json().get("reason", ""))
    except ValueError:
        return ""

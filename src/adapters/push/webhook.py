"""Pushes as signed JSON POSTs to a URL the user registered.

The receiver checks ``X-Instagram-Signature``: ``v1=`` and the hex HMAC-SHA256, keyed by the
device's secret (returned once, at registration), of ``"<timestamp>.<body>"``. The timestamp
(``X-Instagram-Timestamp``, Unix seconds) is signed too, so a receiver rejects a replay by
refusing timestamps older than a few minutes, and ``X-Instagram-Delivery`` (the same on every
retry of one push) lets it drop duplicates within that window. :func:`verify` is that check.
"""

from __future__ import annotations

import hashlib
import hmac
import json

import httpx

from instagram_adapters.push.egress import AddressRefused
from instagram_adapters.push.outcomes import RETRY_LATER, unavailable_on_transport_error
from instagram_core.domain.errors import Unavailable
from instagram_core.domain.notifications import Device
from instagram_core.ports.clock import Clock
from instagram_core.ports.push import DeviceGone, PushMessage, PushRejected

SIGNATURE_HEADER = "X-Instagram-Signature"
TIMESTAMP_HEADER = "X-Instagram-Timestamp"
DELIVERY_HEADER = "X-Instagram-Delivery"
REPLAY_TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"v1={mac.hexdigest()}"


def verify(
    secret: str,
    timestamp: str,
    body: bytes,
    signed: str,
    now: float,
    tolerance: int = REPLAY_TOLERANCE_SECONDS,
) -> bool:
    """A receiver's check: the signature matches and the timestamp is recent (a replayed
    request carries its old timestamp, which cannot be changed without the secret)."""
    if not (timestamp.isascii() and timestamp.isdigit()) or abs(now - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, int(timestamp), body), signed)


def payload(device: Device, message: PushMessage) -> dict[str, object]:
    return {
        "device_id": str(device.device_id),
        "kind": message.kind,
        "text": message.text,
        "post_id": None if message.post_id is None else str(message.post_id),
        "notification_id": (
            None if message.notification_id is None else str(message.notification_id)
        ),
    }


class WebhookPushGateway:
    """A :class:`~instagram_core.ports.PushGateway` for ``webhook`` devices."""

    def __init__(self, client: httpx.Client, clock: Clock) -> None:
        self._client = client
        self._clock = clock

    def build_request(self, device: Device, message: PushMessage) -> httpx.Request:
        if device.secret is None:
            raise PushRejected(f"webhook device {device.device_id} has no signing secret")
        body = json.dumps(payload(device, message), separators=(",", ":")).encode()
        timestamp = int(self._clock.now().timestamp())
        return self._client.build_request(
            "POST",
            device.address,
            content=body,
            headers={
                "Content-Type": "application/json",
                "User-Agent": "instagram-backend-webhook/1",
                TIMESTAMP_HEADER: str(timestamp),
                SIGNATURE_HEADER: signature(device.secret, timestamp, body),
                DELIVERY_HEADER: f"{message.notification_id}-{device.device_id}",
            },
        )

    def send(self, device: Device, message: PushMessage) -> None:
        request = self.build_request(device, message)
        try:
            with unavailable_on_transport_error("webhook"):
                response = self._client.send(request)
        except AddressRefused as exc:
            raise PushRejected(f"webhook refused: {exc}") from exc
        status = response.status_code
        if 200 <= status < 300:
            return
        if status == 410:
            raise DeviceGone(f"webhook answered 410 Gone for device {device.device_id}")
        if status in RETRY_LATER:
            raise Unavailable(f"webhook answered {status}; will retry")
        raise PushRejected(f"webhook answered {status}")

"""Pushes to Android (and web) through Firebase Cloud Messaging's HTTP v1 API.

The request is the documented one (firebase.google.com/docs/reference/fcm/rest/v1/
projects.messages/send): ``POST https://fcm.googleapis.com/v1/projects/<project>/messages:send``
with an OAuth 2.0 bearer token for the ``firebase.messaging`` scope and a body
``{"message": {"token", "notification": {"title", "body"}, "data", "android"}}`` (``data``
values are strings). An ``UNREGISTERED`` error (HTTP 404) or ``SENDER_ID_MISMATCH`` means
the token will never work again: the device is gone. The access token comes from a Google
service account through the JWT-bearer grant (RFC 7523), as Google's libraries do it.

Tested on the requests built, not against Google's service (see docs/notifications.md).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import httpx
import jwt

from instagram_adapters.push.outcomes import RETRY_LATER, unavailable_on_transport_error
from instagram_core.domain.errors import Unavailable
from instagram_core.domain.notifications import Device
from instagram_core.ports.clock import Clock
from instagram_core.ports.push import DeviceGone, PushMessage, PushRejected

FCM_ENDPOINT = "https://fcm.googleapis.com/v1/projects/{project}/messages:send"
FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
_GONE = frozenset({"UNREGISTERED", "SENDER_ID_MISMATCH"})


class ServiceAccountTokens:
    """OAuth 2.0 access tokens for a service account: a signed JWT assertion (RS256, the
    account's private key) exchanged at the token URI, cached until a minute before expiry."""

    def __init__(
        self,
        client: httpx.Client,
        clock: Clock,
        client_email: str,
        private_key_pem: str,
        token_uri: str = GOOGLE_TOKEN_URI,
    ) -> None:
        self._client = client
        self._clock = clock
        self._email = client_email
        self._key = private_key_pem
        self._token_uri = token_uri
        self._lock = threading.Lock()
        self._token: tuple[str, float] | None = None

    def assertion(self) -> str:
        now = int(self._clock.now().timestamp())
        claims = {
            "iss": self._email,
            "scope": FCM_SCOPE,
            "aud": self._token_uri,
            "iat": now,
            "exp": now + 3600,
        }
        return jwt.encode(claims, self._key, algorithm="RS256")

    def build_request(self) -> httpx.Request:
        return self._client.build_request(
            "POST",
            self._token_uri,
            data={"grant_type": JWT_BEARER, "assertion": self.assertion()},
        )

    def __call__(self) -> str:
        with self._lock:
            now = self._clock.now().timestamp()
            if self._token is not None and now < self._token[1]:
                return self._token[0]
            with unavailable_on_transport_error("Google OAuth"):
                response = self._client.send(self.build_request())
            if response.status_code != 200:
                raise Unavailable(f"Google OAuth answered {response.status_code}")
            body = response.json()
            self._token = (body["access_token"], now + int(body.get("expires_in", 3600)) - 60)
            return self._token[0]

    def invalidate(self) -> None:
        with self._lock:
            self._token = None


def _error_code(response: httpx.Response) -> str:
    """FCM's ``errorCode`` from the error details, else the error's status."""
    try:
        error: dict[str, Any] = response.json().get("error", {})
    except ValueError:
        return ""
    for detail in error.get("details", []):
        if isinstance(detail, dict) and "errorCode" in detail:
            return str(detail["errorCode"])
    return str(error.get("status", ""))


class FcmPushGateway:
    """A :class:`~instagram_core.ports.PushGateway` for ``fcm`` devices."""

    def __init__(
        self,
        client: httpx.Client,
        project_id: str,
        access_token: Callable[[], str],
        title: str = "Instagram",
    ) -> None:
        self._client = client
        self._url = FCM_ENDPOINT.format(project=project_id)
        self._access_token = access_token
        self._title = title

    def build_request(self, device: Device, message: PushMessage) -> httpx.Request:
        data = {"kind": message.kind}
        if message.post_id is not None:
            data["post_id"] = str(message.post_id)
        if message.notification_id is not None:
            data["notification_id"] = str(message.notification_id)
        body = {
            "message": {
                "token": device.address,
                "notification": {"title": self._title, "body": message.text},
                "data": data,
                "android": {"collapse_key": f"{message.kind}:{message.post_id}"},
            }
        }
        return self._client.build_request(
            "POST",
            self._url,
            json=body,
            headers={"Authorization": f"Bearer {self._access_token()}"},
        )

    def send(self, device: Device, message: PushMessage) -> None:
        request = self.build_request(device, message)
        with unavailable_on_transport_error("FCM"):
            response = self._client.send(request)
        status = response.status_code
        if status == 200:
            return
        code = _error_code(response)
        if code in _GONE:
            raise DeviceGone(f"FCM: {code} for device {device.device_id}")
        if status == 401:
            invalidate = getattr(self._access_token, "invalidate", None)
            if invalidate is not None:
                invalidate()
            raise Unavailable("FCM refused our access token; will retry with a new one")
        if status in RETRY_LATER:
            raise Unavailable(f"FCM answered {status} {code}; will retry")
        raise PushRejected(f"FCM answered {status} {code}")

"""Registering the devices pushes go to: a signed webhook URL, an FCM token or an APNs token."""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

from instagram_core.domain.errors import Conflict, InvalidInput, NotFound
from instagram_core.domain.ids import parse_id
from instagram_core.domain.notifications import Device, Platform
from instagram_core.policies.webhook_targets import refused_host
from instagram_core.ports.clock import Clock
from instagram_core.ports.ids import IdGenerator
from instagram_core.ports.notifications import DeviceStore

# A user's phones, tablets and hooks: enough for anyone, and a bound on each push's fan-out.
MAX_DEVICES_PER_USER = 20
MAX_URL_LENGTH = 2048
MAX_TOKEN_LENGTH = 4096
_APNS_TOKEN = re.compile(r"(?:[0-9a-fA-F]{2}){32,100}")
_FCM_TOKEN = re.compile(r"[A-Za-z0-9_:\-.]+")


def _address(
    platform: Platform, token: str | None, url: str | None, private_webhooks: bool = False
) -> str:
    """The device's address, checked for its platform; ``InvalidInput`` naming the problem.
    A webhook's host must be public unless ``private_webhooks`` (see
    :mod:`~instagram_core.policies.webhook_targets`)."""
    if platform is Platform.WEBHOOK:
        if token is not None or url is None:
            raise InvalidInput("a webhook device takes a url, not a token")
        if len(url) > MAX_URL_LENGTH:
            raise InvalidInput(f"url is longer than {MAX_URL_LENGTH} characters")
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise InvalidInput("url must be an absolute http or https URL")
        refused = None if private_webhooks else refused_host(parts.hostname)
        if refused is not None:
            raise InvalidInput(f"url must point at a public address: {refused}")
        return url
    if url is not None or token is None:
        raise InvalidInput(f"an {platform} device takes a token, not a url")
    if platform is Platform.APNS and not _APNS_TOKEN.fullmatch(token):
        raise InvalidInput("an APNs device token is 64 or more hex digits")
    if platform is Platform.FCM and not (
        len(token) <= MAX_TOKEN_LENGTH and _FCM_TOKEN.fullmatch(token)
    ):
        raise InvalidInput("an FCM registration token is up to 4096 URL-safe characters")
    return token.lower() if platform is Platform.APNS else token


class PushDevices:
    """``private_webhooks`` lets webhook URLs name loopback and private addresses: for a
    deployment whose receivers sit on its own network, never one serving untrusted users."""

    def __init__(
        self, devices: DeviceStore, ids: IdGenerator, clock: Clock, private_webhooks: bool = False
    ) -> None:
        self._devices = devices
        self._ids = ids
        self._clock = clock
        self._private_webhooks = private_webhooks

    def register(
        self, user_id: str, platform: str, token: str | None = None, url: str | None = None
    ) -> Device:
        """Register a device; a webhook gets a fresh signing secret, shown only now."""
        try:
            kind = Platform(platform)
        except ValueError as exc:
            names = ", ".join(p.value for p in Platform)
            raise InvalidInput(f"platform must be one of {names}") from exc
        address = _address(kind, token, url, self._private_webhooks)
        mine = self._devices.for_user(user_id)
        again = any(d.platform is kind and d.address == address for d in mine)
        if not again and len(mine) >= MAX_DEVICES_PER_USER:
            raise Conflict(
                f"at most {MAX_DEVICES_PER_USER} devices: remove one before adding another"
            )
        device = Device(
            device_id=self._ids.next_id(),
            user_id=user_id,
            platform=kind,
            address=address,
            created_at=self._clock.now(),
            secret=secrets.token_hex(32) if kind is Platform.WEBHOOK else None,
        )
        return self._devices.register(device)

    def remove(self, user_id: str, device_id: str) -> None:
        """Remove one of the caller's devices; ``NotFound`` for any other id."""
        try:
            wanted = parse_id(device_id, "device_id")
        except InvalidInput as exc:
            raise NotFound(f"no device {device_id!r}") from exc
        if not self._devices.remove(user_id, wanted):
            raise NotFound(f"no device {device_id}")

    def list(self, user_id: str) -> list[Device]:
        return list(self._devices.for_user(user_id))

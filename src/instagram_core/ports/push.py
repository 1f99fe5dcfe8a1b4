from __future__ import annotations

from typing import Protocol

import attrs

from instagram_core.domain.errors import DomainError
from instagram_core.domain.notifications import Device


@attrs.frozen
class PushMessage:
    recipient_id: str
    kind: str
    text: str  # e.g. "alice and 4 others liked your post"
    post_id: int | None = None
    notification_id: int | None = None


class DeviceGone(DomainError):
    """The push service says the device will never accept pushes again (APNs 410
    ``Unregistered``, FCM ``UNREGISTERED``, a webhook's 410): forget the device."""

    code = "device_gone"


class PushRejected(DomainError):
    """The push service refused this push for good (a malformed token, a payload it will
    not take): retrying cannot help, so the push is dropped and logged."""

    code = "push_rejected"


class PushGateway(Protocol):
    """Delivery of one push to one device (webhook, FCM, APNs). The in-app Activity tab
    is the notification store; a push is the extra, rate-limited nudge."""

    def send(self, device: Device, message: PushMessage) -> None:
        """Hand the push to the device's service. Raises ``DeviceGone`` when the service says
        the device is gone, ``PushRejected`` when it refuses this push for good, and
        ``Unavailable`` when it cannot be reached or asks to come back later (the bus
        retries with backoff)."""
        ...

from __future__ import annotations

from typing import Protocol

import attrs


@attrs.frozen
class PushMessage:
    recipient_id: str
    kind: str
    text: str  # e.g. "alice and 4 others liked your post"
    post_id: int | None = None


class PushGateway(Protocol):
    """Delivery of device pushes (APNs, FCM). The in-app Activity tab is the notification
    store; a push is the extra, rate-limited nudge."""

    def send(self, message: PushMessage) -> None:
        """Hand the push to the delivery service; raises ``Unavailable`` when it cannot be
        reached (the bus retries), never for a user without devices (then a no-op)."""
        ...

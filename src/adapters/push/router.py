"""One gateway per platform behind the single :class:`~instagram_core.ports.PushGateway`."""

from __future__ import annotations

from collections.abc import Mapping

from instagram_core.domain.notifications import Device, Platform
from instagram_core.ports.push import PushGateway, PushMessage, PushRejected


class PushRouter:
    """Sends each push through its device's platform gateway; a platform this server has
    no credentials for refuses the push (logged and dropped by the caller)."""

    def __init__(self, gateways: Mapping[Platform, PushGateway]) -> None:
        self._gateways = dict(gateways)

    def send(self, device: Device, message: PushMessage) -> None:
        gateway = self._gateways.get(device.platform)
        if gateway is None:
            raise PushRejected(f"{device.platform} push is not configured on this server")
        gateway.send(device, message)

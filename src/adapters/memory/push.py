"""Pushes for tests and for platforms without credentials: logged and kept per recipient,
since a development machine has no APNs or FCM keys. A production gateway sends them."""

from __future__ import annotations

import logging
import threading
from collections import defaultdict, deque

from instagram_core.domain.notifications import Device
from instagram_core.ports.push import PushMessage

log = logging.getLogger("instagram.push")


class LoggingPushGateway:
    def __init__(self, keep_per_recipient: int = 100) -> None:
        self._sent: dict[str, deque[tuple[Device, PushMessage]]] = defaultdict(
            lambda: deque(maxlen=keep_per_recipient)
        )
        self._lock = threading.Lock()

    def send(self, device: Device, message: PushMessage) -> None:
        log.info(
            "push to %s (%s device %s): %s",
            message.recipient_id,
            device.platform,
            device.device_id,
            message.text,
        )
        with self._lock:
            self._sent[message.recipient_id].append((device, message))

    def sent_to(self, recipient_id: str) -> list[PushMessage]:
        """The newest pushes sent to a recipient's devices, oldest first."""
        with self._lock:
            return [message for _, message in self._sent.get(recipient_id, ())]

    def deliveries(self, recipient_id: str) -> list[tuple[Device, PushMessage]]:
        """The same, with the device each went to."""
        with self._lock:
            return list(self._sent.get(recipient_id, ()))

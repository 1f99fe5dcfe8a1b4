"""Pushes for the embedded profile: logged and kept per recipient, since a development
machine has no APNs or FCM credentials. A production gateway sends them instead."""

from __future__ import annotations

import logging
import threading
from collections import defaultdict, deque

from instagram_core.ports.push import PushMessage

log = logging.getLogger("instagram.push")


class LoggingPushGateway:
    def __init__(self, keep_per_recipient: int = 100) -> None:
        self._sent: dict[str, deque[PushMessage]] = defaultdict(
            lambda: deque(maxlen=keep_per_recipient)
        )
        self._lock = threading.Lock()

    def send(self, message: PushMessage) -> None:
        log.info("push to %s: %s", message.recipient_id, message.text)
        with self._lock:
            self._sent[message.recipient_id].append(message)

    def sent_to(self, recipient_id: str) -> list[PushMessage]:
        """The newest pushes sent to a recipient, oldest first."""
        with self._lock:
            return list(self._sent.get(recipient_id, ()))

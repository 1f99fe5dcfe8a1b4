"""A real local HTTP receiver for webhook pushes, verifying signatures as a user's server
would: it answers 401 to a bad signature or a stale (replayed) timestamp, 409 to a delivery
it has seen, and otherwise what the test scripted for the path (204 by default)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import attrs

from instagram_adapters.push.webhook import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    verify,
)


@attrs.define
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verdict: int


@attrs.define
class Receiver:
    port: int
    secrets: dict[str, str] = attrs.Factory(dict)  # path -> signing secret
    statuses: dict[str, int] = attrs.Factory(dict)  # path -> scripted answer
    received: list[Received] = attrs.Factory(list)
    deliveries: set[str] = attrs.Factory(set)
    arrived: threading.Condition = attrs.Factory(threading.Condition)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.received) >= count, timeout)
            return list(self.received)


@contextmanager
def webhook_receiver() -> Iterator[Receiver]:
    receiver = Receiver(port=0)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            secret = receiver.secrets.get(self.path, "")
            good = verify(
                secret,
                self.headers.get(TIMESTAMP_HEADER, ""),
                body,
                self.headers.get(SIGNATURE_HEADER, ""),
                now=time.time(),
            )
            delivery = self.headers.get(DELIVERY_HEADER, "")
            if not good:
                verdict = 401
            elif delivery in receiver.deliveries:
                verdict = 409
            else:
                verdict = receiver.statuses.get(self.path, 204)
                if verdict < 300:
                    receiver.deliveries.add(delivery)
            self.send_response(verdict)
            self.send_header("Content-Length", "0")
            self.end_headers()
            with receiver.arrived:
                receiver.received.append(
                    Received(self.path, dict(self.headers.items()), body, verdict)
                )
                receiver.arrived.notify_all()

        def log_message(self, format: str, *args: object) -> None:
            del format, args

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()

"""An httpx transport that connects only to public addresses: the webhook client's guard
against server-side request forgery (:mod:`instagram_core.policies.webhook_targets`).

The check sits where the socket is opened, on every address the host resolves to, and the
connection goes to the address that was checked. Checking the URL before sending would
not be enough: a name can resolve to a public address when checked and to a private one a
moment later (DNS rebinding). TLS still verifies the certificate against the URL's host
name, which httpcore passes for SNI and verification whatever address is dialled.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from instagram_core.policies.webhook_targets import is_public_address

__all__ = ["AddressRefused", "PublicAddressBackend", "public_only_transport"]


class AddressRefused(Exception):
    """The host resolves to an address the server must not call. Not a transport error: a
    retry would meet the same answer, so the push is refused rather than retried."""


class PublicAddressBackend(httpcore.NetworkBackend):
    """Resolves the host itself, refuses it if any of its addresses is not public, and
    connects to the first address it checked."""

    def __init__(self, inner: httpcore.NetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = _resolve(host, port)
        refused = [str(a) for a in addresses if not is_public_address(a)]
        if refused:
            raise AddressRefused(f"{host} resolves to {', '.join(refused)}: not public")
        return self._inner.connect_tcp(
            str(addresses[0]), port, timeout, local_address, socket_options
        )

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise AddressRefused("a webhook cannot reach a Unix socket")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _resolve(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
    seen: dict[str, None] = {}
    for *_, sockaddr in answers:
        seen.setdefault(str(sockaddr[0]).split("%", 1)[0], None)
    return [ipaddress.ip_address(address) for address in seen]


def public_only_transport(**options: Any) -> httpx.HTTPTransport:
    """An :class:`httpx.HTTPTransport` (same options) whose connections go through
    :class:`PublicAddressBackend`. httpx does not take a network backend, so the transport's
    pool is rebuilt with one; ``tests/integration/test_webhook_egress.py`` fails if a new
    httpx stops honouring it."""
    options.setdefault("trust_env", False)  # an environment proxy would dial for us, unchecked
    transport = httpx.HTTPTransport(**options)
    limits: httpx.Limits = options.get("limits") or httpx.Limits(
        max_connections=100, max_keepalive_connections=20
    )
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(verify=options.get("verify", True), trust_env=False),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        http1=options.get("http1", True),
        http2=options.get("http2", False),
        retries=options.get("retries", 0),
        network_backend=PublicAddressBackend(),
    )
    return transport

"""The webhook client's guard against server-side request forgery, as the service wires it
(``open_push_gateway``), against a real local receiver: a device whose address turns out
private is refused at connect time, whatever its URL looked like at registration."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from typing import Any

import httpcore
import pytest

from instagram_adapters.memory.clock import ManualClock
from instagram_adapters.push.egress import AddressRefused, PublicAddressBackend
from instagram_core.domain.notifications import Device, Platform
from instagram_core.ports.push import PushMessage, PushRejected
from instagram_entrypoints.push_wiring import open_push_gateway
from tests.webhook_receiver import webhook_receiver

SECRET = "k" * 64
MESSAGE = PushMessage("alice", "like", "bob liked your post", post_id=7, notification_id=99)


def hook(url: str) -> Device:
    return Device(5, "alice", Platform.WEBHOOK, url, datetime.now(UTC), SECRET)


def send(url: str, private_webhooks: bool) -> None:
    wiring = open_push_gateway(ManualClock(datetime.now(UTC)), private_webhooks=private_webhooks)
    gateway = next(wiring)
    try:
        gateway.send(hook(url), MESSAGE)
    finally:
        wiring.close()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_the_service_refuses_to_push_to_this_machine(host: str) -> None:
    with webhook_receiver() as receiver:
        receiver.secrets["/hook"] = SECRET
        url = receiver.url("/hook").replace("127.0.0.1", host)
        with pytest.raises(PushRejected, match="not public"):
            send(url, private_webhooks=False)
        assert receiver.received == []


def test_a_deployment_that_allows_private_webhooks_reaches_its_own_network() -> None:
    with webhook_receiver() as receiver:
        receiver.secrets["/hook"] = SECRET
        send(receiver.url("/hook"), private_webhooks=True)
        assert [r.verdict for r in receiver.wait_for(1)] == [204]


class Dialled(httpcore.NetworkBackend):
    """Records the address a connection went to instead of connecting."""

    def __init__(self) -> None:
        self.addresses: list[str] = []

    def connect_tcp(self, host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        self.addresses.append(host)
        raise httpcore.ConnectError("recorded, not connected")


def answers(monkeypatch: pytest.MonkeyPatch, *addresses: str) -> None:
    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        family = socket.AF_INET6 if ":" in addresses[0] else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_the_connection_goes_to_the_address_that_was_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inner = Dialled()
    answers(monkeypatch, "93.184.216.34")
    with pytest.raises(httpcore.ConnectError):
        PublicAddressBackend(inner).connect_tcp("hooks.example", 443)
    assert inner.addresses == ["93.184.216.34"]


@pytest.mark.parametrize(
    "resolved",
    [
        ("93.184.216.34", "10.1.2.3"),  # one private answer among public ones
        ("169.254.169.254",),  # the cloud's metadata service
        ("::ffff:127.0.0.1",),  # loopback carried in IPv6
        ("fd00::1",),  # unique local
        ("100.64.0.9",),  # shared address space (carrier NAT)
    ],
)
def test_a_name_that_resolves_anywhere_private_is_refused_before_dialling(
    monkeypatch: pytest.MonkeyPatch, resolved: tuple[str, ...]
) -> None:
    inner = Dialled()
    answers(monkeypatch, *resolved)
    with pytest.raises(AddressRefused):
        PublicAddressBackend(inner).connect_tcp("hooks.example", 443)
    assert inner.addresses == []


def test_a_name_that_rebinds_after_a_first_public_answer_is_refused_on_the_next_connection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inner = Dialled()
    backend = PublicAddressBackend(inner)
    answers(monkeypatch, "93.184.216.34")
    with pytest.raises(httpcore.ConnectError):
        backend.connect_tcp("hooks.example", 443)
    answers(monkeypatch, "127.0.0.1")
    with pytest.raises(AddressRefused):
        backend.connect_tcp("hooks.example", 443)
    assert inner.addresses == ["93.184.216.34"]

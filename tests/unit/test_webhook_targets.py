"""Which webhook hosts registration accepts (the first of the two SSRF checks)."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from instagram_core.policies.webhook_targets import is_public_address, refused_host


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "127.8.9.10",
        "localhost",
        "LocalHost.",
        "api.localhost",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "[::1]",
        "::",
        "fe80::1%eth0",
        "fd12:3456::1",
        "::ffff:10.0.0.1",
        "ff02::1",
    ],
)
def test_loopback_private_link_local_and_reserved_hosts_are_refused(host: str) -> None:
    assert refused_host(host) is not None


@pytest.mark.parametrize(
    "host", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "hooks.example.com"]
)
def test_public_addresses_and_names_pass(host: str) -> None:
    assert refused_host(host) is None


@given(st.ip_addresses(v=4))
def test_an_ipv4_mapped_address_is_judged_as_the_ipv4_it_carries(
    address: ipaddress.IPv4Address,
) -> None:
    mapped = ipaddress.IPv6Address(f"::ffff:{address}")
    assert is_public_address(mapped) == is_public_address(address)


@given(st.ip_addresses(network="10.0.0.0/8") | st.ip_addresses(network="fc00::/7"))
def test_no_private_network_address_is_public(address: ipaddress.IPv4Address) -> None:
    assert not is_public_address(address)
    assert refused_host(str(address)) is not None

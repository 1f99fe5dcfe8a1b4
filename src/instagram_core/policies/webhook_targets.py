"""Which addresses a webhook may be sent to: public ones only, unless a deployment says so.

A webhook URL is chosen by a user, and the server makes the request. Without this rule any
user could make the server POST to its own loopback, the cloud's metadata address
(169.254.169.254) or a private network behind it (server-side request forgery). The rule is
checked twice: here, on the URL's host when a device is registered (a clear 422), and by the
webhook adapter on every address the host resolves to at connect time, because a name can
resolve to a private address, now or after a later DNS change.
"""

from __future__ import annotations

import ipaddress

__all__ = ["is_public_address", "refused_host"]

# Names that mean this machine without asking DNS (RFC 6761 reserves ``localhost``).
_LOCAL_NAMES = ("localhost", "localhost.")


def is_public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Globally routable unicast: not loopback, private, link-local (cloud metadata), shared
    (CGNAT), multicast, reserved or unspecified. An IPv4-mapped IPv6 address is judged as the
    IPv4 address it carries."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def refused_host(host: str) -> str | None:
    """Why a URL's host is not a public target, or ``None`` when it may be one. A name other
    than ``localhost`` passes here; its addresses are checked when it is resolved."""
    name = host.lower()
    if name in _LOCAL_NAMES or name.endswith(".localhost") or name.endswith(".localhost."):
        return f"{host} is this machine"
    try:
        address = ipaddress.ip_address(name.strip("[]").split("%", 1)[0])
    except ValueError:
        return None
    if is_public_address(address):
        return None
    return f"{address} is not a public address"

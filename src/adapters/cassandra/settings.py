"""Where the Cassandra cluster is and how to reach it: plain values, no driver import, so
configuration can be checked before the driver loads."""

from __future__ import annotations

import re

import attrs

_KEYSPACE_NAME = re.compile(r"[a-z][a-z0-9_]{0,47}")


@attrs.frozen
class CassandraSettings:
    """Where the cluster is and how to talk to it; ``replication`` is the keyspace's
    replication map as CQL, e.g. ``{'class': 'NetworkTopologyStrategy', 'dc1': 3}``."""

    contact_points: tuple[str, ...] = ("127.0.0.1",)
    port: int = 9042
    keyspace: str = "instagram"
    local_dc: str = "datacenter1"
    replication: str = "{'class': 'SimpleStrategy', 'replication_factor': 1}"
    request_timeout: float = 5.0  # seconds a request may take before it counts as failed
    connect_timeout: float = 5.0

    @classmethod
    def from_config(
        cls,
        contact_points: str,
        port: int,
        keyspace: str,
        local_dc: str,
        replication: str,
        timeout_seconds: float,
    ) -> CassandraSettings:
        """From the flat settings: ``host1,host2`` and a ``SimpleStrategy:1``-style spec."""
        return cls(
            contact_points=tuple(p.strip() for p in contact_points.split(",") if p.strip()),
            port=port,
            keyspace=keyspace,
            local_dc=local_dc,
            replication=replication_map(replication),
            request_timeout=timeout_seconds,
            connect_timeout=timeout_seconds,
        )


def check_keyspace(name: str) -> str:
    """Keyspace names go into DDL verbatim: only plain identifiers are accepted."""
    if _KEYSPACE_NAME.fullmatch(name) is None:
        raise ValueError(f"keyspace {name!r}: use lowercase letters, digits and _")
    return name


def replication_map(spec: str) -> str:
    """``SimpleStrategy:1`` or ``NetworkTopologyStrategy:dc1=3,dc2=3`` as a CQL map, so the
    setting is one short environment variable; raises ``ValueError`` for anything else."""
    strategy, _, args = spec.partition(":")
    if strategy == "SimpleStrategy" and args.isdigit():
        return f"{{'class': 'SimpleStrategy', 'replication_factor': {int(args)}}}"
    if strategy == "NetworkTopologyStrategy" and args:
        parts = []
        for item in args.split(","):
            dc, _, factor = item.partition("=")
            if not dc.strip().replace("_", "").replace("-", "").isalnum() or not factor.isdigit():
                raise ValueError(f"replication {spec!r}: expected dc=factor pairs")
            parts.append(f"'{dc.strip()}': {int(factor)}")
        return "{'class': 'NetworkTopologyStrategy', " + ", ".join(parts) + "}"
    raise ValueError(
        f"replication {spec!r}: use SimpleStrategy:<n> or NetworkTopologyStrategy:<dc>=<n>,..."
    )

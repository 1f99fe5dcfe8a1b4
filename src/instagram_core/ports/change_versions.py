from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

# How long a key's version is kept after its last bump; a cached read is never trusted for
# longer. The default of every adapter and of the service's configuration.
CHANGE_RETENTION_SECONDS = 3600.0


class ChangeVersions(Protocol):
    """Version tokens of the things a cached read depends on (a post, a profile, a viewer's
    relations, a feed): writers bump a key after every change, and a result read under some
    versions stays valid while they are all unchanged.

    A key's version changes on every bump and never returns to an earlier value while any
    result read under it can still be in use: the adapter keeps a key at least
    ``retention_seconds`` after its last bump, so a cache whose entries live no longer than
    that can trust an unknown key (version 0) as unchanged."""

    retention_seconds: float

    def bump(self, keys: Iterable[str]) -> None:
        """Give every key in ``keys`` a new version. Call it after the change is stored."""
        ...

    def read(self, keys: Sequence[str]) -> tuple[int, ...]:
        """The current version of each key, in order; 0 for a key not bumped within the
        retention."""
        ...

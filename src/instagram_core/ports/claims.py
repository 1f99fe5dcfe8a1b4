from __future__ import annotations

from typing import Protocol


class ClaimStore(Protocol):
    """Keys claimed once for a while: how a side effect that cannot be undone (a push sent
    to a phone) happens once although the event bus delivers its message at least once."""

    def claim(self, key: str, ttl_seconds: int) -> bool:
        """Claim ``key`` for ``ttl_seconds`` by the clock port. True for the one caller that
        claims a key not held (never claimed, released, or past its TTL); False while it is
        held. Atomic under concurrency: of racing callers exactly one gets True.
        ``ttl_seconds`` below 1 raises ``ValueError``."""
        ...

    def release(self, key: str) -> None:
        """Give up a claim, so the next :meth:`claim` of ``key`` succeeds (a retry after a
        failed attempt). Releasing a key not held does nothing."""
        ...

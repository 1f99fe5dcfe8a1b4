"""What a push service's answer means for the device and the retry: shared by the gateways."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from instagram_core.domain.errors import Unavailable

# Statuses that say "later": the bus retries the delivery with backoff.
RETRY_LATER = frozenset({408, 425, 429, 500, 502, 503, 504})


@contextmanager
def unavailable_on_transport_error(service: str) -> Iterator[None]:
    """A timeout or refused connection is an unreachable service, retried later."""
    try:
        yield
    except httpx.TransportError as exc:
        raise Unavailable(f"{service} unreachable: {type(exc).__name__}: {exc}") from exc

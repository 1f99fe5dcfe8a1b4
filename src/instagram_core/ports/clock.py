from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    """The only source of time for the core and for every TTL in the in-memory adapters."""

    def now(self) -> datetime:
        """The current time as an aware UTC datetime; never goes backwards."""
        ...

"""Exponential decay of engagement affinity, shared by every affinity store."""

from __future__ import annotations

import math
from datetime import datetime

from instagram_core.ports.affinity import HALF_LIFE_DAYS

SEEN_FOR_SECONDS = 14 * 86_400


def decayed(value: float, since: datetime, now: datetime) -> float:
    """``value`` recorded at ``since``, as it counts at ``now``."""
    days = max((now - since).total_seconds(), 0.0) / 86_400
    return value * math.exp(-days / HALF_LIFE_DAYS)

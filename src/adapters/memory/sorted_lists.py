"""The sorted-list index the in-memory stores keep their orders in."""

from __future__ import annotations

import bisect
from typing import Any


def discard_sorted(index: list[Any], key: Any) -> None:
    """Remove ``key`` from the sorted ``index`` if it is there (binary search)."""
    position = bisect.bisect_left(index, key)
    if position < len(index) and index[position] == key:
        del index[position]

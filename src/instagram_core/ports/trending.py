from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol

HALF_LIFE_SECONDS = 3600  # "unusually high velocity in the past hour" (the seed)


class TrendingTags(Protocol):
    """Hashtags by recent use: each use counts 1 when it happens and half as much an hour
    later, so the top is what is being used now, not what was ever used most."""

    def bump(self, tags: Iterable[str], at: datetime, use_id: str | None = None) -> None:
        """Count one use of each tag (each once, even if repeated) at ``at``.

        A ``use_id`` already counted within the window (two days) counts nothing: the event
        bus delivers at least once, so a redelivered post must not trend twice. ``None``
        always counts."""
        ...

    def top(self, limit: int, now: datetime) -> Sequence[tuple[str, float]]:
        """Up to ``limit`` tags with their decayed scores at ``now``, highest first; tags
        unused for the past two days are gone."""
        ...

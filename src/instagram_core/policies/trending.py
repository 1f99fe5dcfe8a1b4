"""Forward decay for trending scores: a use at time t adds 2**((t - landmark) / half-life),
so stored scores only ever grow and compare correctly among themselves; dividing by
2**((now - landmark) / half-life) gives the decayed value. A landmark per UTC day keeps the
exponent small (at most 24 with a one-hour half-life)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from instagram_core.ports.trending import HALF_LIFE_SECONDS

WINDOW_DAYS = 2


def landmark(moment: datetime) -> datetime:
    """Midnight UTC of ``moment``'s day."""
    day = moment.astimezone(UTC)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def weight_at(moment: datetime, mark: datetime) -> float:
    return float(2 ** ((moment - mark).total_seconds() / HALF_LIFE_SECONDS))


def decayed(score: float, mark: datetime, now: datetime) -> float:
    return score / weight_at(now, mark)


def landmarks(now: datetime) -> list[datetime]:
    """The days whose scores still count, newest first."""
    today = landmark(now)
    return [today - timedelta(days=n) for n in range(WINDOW_DAYS)]

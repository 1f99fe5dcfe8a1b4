"""Clocks: the system's wall clock made monotonic, and a manual clock for tests."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


def _require_aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a clock needs an aware datetime, not a naive one")
    return moment.astimezone(UTC)


class SystemClock:
    """Wall-clock UTC time that never goes backwards.

    When the system clock steps back (an NTP correction, a VM resume), :meth:`now` keeps
    returning the latest time it has handed out until the wall clock catches up, so TTLs and
    ids derived from it never run in reverse.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = datetime.min.replace(tzinfo=UTC)

    def now(self) -> datetime:
        current = datetime.now(UTC)
        with self._lock:
            self._last = max(self._last, current)
            return self._last


class ManualClock:
    """A clock that moves only when told to: expiry and ordering tests without sleeping.

    Like every clock it never goes backwards: :meth:`advance` by a negative amount and
    :meth:`set` to an earlier moment raise ``ValueError``. Naive datetimes are refused.
    """

    def __init__(self, start: datetime) -> None:
        self._lock = threading.Lock()
        self._now = _require_aware(start)

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, by: float | timedelta) -> datetime:
        """Move forward by ``by`` (seconds or a timedelta); returns the new time."""
        step = by if isinstance(by, timedelta) else timedelta(seconds=by)
        if step < timedelta(0):
            raise ValueError("a clock cannot go backwards")
        with self._lock:
            self._now += step
            return self._now

    def set(self, moment: datetime) -> None:
        """Jump to ``moment``; setting the current time again is allowed and changes nothing."""
        target = _require_aware(moment)
        with self._lock:
            if target < self._now:
                raise ValueError("a clock cannot go backwards")
            self._now = target

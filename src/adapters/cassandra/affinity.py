"""Affinity on Cassandra as counters: forward decay, so engagement is an increment, never a
read-modify-write.

A score decayed to ``now`` is ``sum(w_i * exp(-(now - t_i) / tau))``. Writing
``w_i * exp((t_i - start_e) / tau)`` into the counter of ``t_i``'s epoch ``e`` (epochs are
``tau`` = 14 days long, so the factor stays below e) and reading
``sum_e counter_e * exp((start_e - now) / tau)`` gives exactly that, and increments from
concurrent requests commute. Counters are integers, so values are kept in nano-units.
Epochs older than :data:`HORIZON_EPOCHS` weigh less than ``exp(-10)`` of what they held and
are not read. Seen posts are rows with a 14-day TTL.

Counter increments are not idempotent: the driver does not retry them on a timeout (the
statements are not marked idempotent), so a timed-out engagement may count once or not at
all, never twice. An engagement with an event id claims it first in ``affinity_events``
(a lightweight transaction, so of two deliveries exactly one wins) and only the winner
increments; if the increment then fails, the claim is withdrawn so that the retry counts.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable
from datetime import datetime

from cassandra.query import BatchStatement, BatchType

from instagram_adapters.cassandra.session import CassandraSession, unavailable_on_driver_error
from instagram_adapters.rows.affinity import HistoryFromScores
from instagram_adapters.rows.codecs import to_micros
from instagram_core.policies.affinity import SEEN_FOR_SECONDS
from instagram_core.ports.affinity import EVENT_MEMORY_SECONDS, HALF_LIFE_DAYS

TAU_SECONDS = HALF_LIFE_DAYS * 86_400
EPOCH_SECONDS = TAU_SECONDS
HORIZON_EPOCHS = 10
SCALE = 1e9  # counter units per unit of weight

_BUMP = (
    "UPDATE affinity SET score = score + ? "
    "WHERE viewer_id = ? AND kind = ? AND target = ? AND epoch = ?"
)
_READ = (
    "SELECT target, epoch, score FROM affinity "
    "WHERE viewer_id = ? AND kind = ? AND target IN ? AND epoch >= ?"
)
_CLAIM = "INSERT INTO affinity_events (viewer_id, event_id) VALUES (?, ?) IF NOT EXISTS USING TTL ?"
_UNCLAIM = "DELETE FROM affinity_events WHERE viewer_id = ? AND event_id = ? IF EXISTS"
_SEEN = "INSERT INTO seen_posts (viewer_id, post_id, seen_us) VALUES (?, ?, ?) USING TTL ?"
_READ_SEEN = "SELECT post_id, seen_us FROM seen_posts WHERE viewer_id = ? AND post_id IN ?"


def _seconds(moment: datetime) -> float:
    return to_micros(moment) / 1e6


def epoch_of(moment: datetime) -> int:
    return math.floor(_seconds(moment) / EPOCH_SECONDS)


def increment(weight: float, at: datetime) -> tuple[int, int]:
    """The (epoch, counter units) an engagement of ``weight`` at ``at`` adds."""
    epoch = epoch_of(at)
    offset = _seconds(at) - epoch * EPOCH_SECONDS
    return epoch, round(weight * math.exp(offset / TAU_SECONDS) * SCALE)


def decayed_sum(counters: Iterable[tuple[int, int]], now: datetime) -> float:
    """The score at ``now`` of (epoch, counter units) pairs."""
    seconds = _seconds(now)
    return sum(
        units / SCALE * math.exp((epoch * EPOCH_SECONDS - seconds) / TAU_SECONDS)
        for epoch, units in counters
    )


class CassandraAffinityStore(HistoryFromScores):
    """An :class:`~instagram_core.ports.AffinityStore` on Cassandra counters."""

    def __init__(self, session: CassandraSession) -> None:
        self._db = session

    def record(
        self,
        viewer_id: str,
        author_id: str,
        hashtags: Iterable[str],
        weight: float,
        at: datetime,
        event_id: str | None = None,
    ) -> None:
        epoch, units = increment(weight, at)
        if units == 0:
            return
        if event_id is not None:
            claimed, _ = self._db.applied(_CLAIM, (viewer_id, event_id, EVENT_MEMORY_SECONDS))
            if not claimed:
                return  # already counted
        targets = [("author", author_id)] + [("tag", tag) for tag in sorted(set(hashtags))]
        # One partition (the viewer's): a counter batch is one round trip.
        batch = BatchStatement(batch_type=BatchType.COUNTER)
        bump = self._db.prepare(_BUMP)
        for kind, target in targets:
            batch.add(bump, (units, viewer_id, kind, target, epoch))
        try:
            with unavailable_on_driver_error("record an engagement"):
                self._db.raw.execute(batch)
        except Exception:
            if event_id is not None:
                with contextlib.suppress(Exception):  # the error below is what matters
                    self._db.applied(_UNCLAIM, (viewer_id, event_id))
            raise

    def mark_seen(self, viewer_id: str, post_ids: Iterable[int], at: datetime) -> None:
        ids = list(dict.fromkeys(post_ids))
        if not ids:
            return
        batch = BatchStatement(batch_type=BatchType.UNLOGGED)  # one partition: atomic anyway
        seen = self._db.prepare(_SEEN)
        for post_id in ids:
            batch.add(seen, (viewer_id, post_id, to_micros(at), SEEN_FOR_SECONDS))
        with unavailable_on_driver_error("remember seen posts"):
            self._db.raw.execute(batch)

    def _scores(
        self, viewer_id: str, kind: str, targets: Iterable[str], now: datetime
    ) -> dict[str, float]:
        wanted = list(dict.fromkeys(targets))
        if not wanted:
            return {}
        rows = self._db.execute(_READ, (viewer_id, kind, wanted, epoch_of(now) - HORIZON_EPOCHS))
        counters: dict[str, list[tuple[int, int]]] = {}
        for row in rows:
            counters.setdefault(row.target, []).append((row.epoch, row.score))
        return {target: decayed_sum(pairs, now) for target, pairs in counters.items()}

    def _seen(self, viewer_id: str, post_ids: Iterable[int], now: datetime) -> frozenset[int]:
        wanted = list(dict.fromkeys(post_ids))
        if not wanted:
            return frozenset()
        horizon = to_micros(now) - SEEN_FOR_SECONDS * 1_000_000
        rows = self._db.execute(_READ_SEEN, (viewer_id, wanted))
        return frozenset(row.post_id for row in rows if row.seen_us > horizon)

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from instagram_core.domain.ranking import ViewerHistory

HALF_LIFE_DAYS = 14.0  # the e-folding time of affinity: exp(-days / 14)
# How long an engagement's ``event_id`` is remembered: as long as it still weighs much.
EVENT_MEMORY_SECONDS = 14 * 86_400


class AffinityStore(Protocol):
    """What a viewer engaged with, decayed over time: the ranker's relationship signals."""

    def record(
        self,
        viewer_id: str,
        author_id: str,
        hashtags: Iterable[str],
        weight: float,
        at: datetime,
        event_id: str | None = None,
    ) -> None:
        """Add ``weight`` to the viewer's affinity for the author and for each hashtag, after
        decaying what was there by ``exp(-days_since_last_update / 14)``.

        An ``event_id`` already recorded in the past ``EVENT_MEMORY_SECONDS`` adds nothing:
        the event bus delivers at least once, so a redelivered engagement must not count
        twice. ``None`` always adds."""
        ...

    def mark_seen(self, viewer_id: str, post_ids: Iterable[int], at: datetime) -> None:
        """Remember that these posts were shown to the viewer (kept for 14 days)."""
        ...

    def history(
        self,
        viewer_id: str,
        author_ids: Iterable[str],
        hashtags: Iterable[str],
        post_ids: Iterable[int],
        now: datetime,
    ) -> ViewerHistory:
        """The viewer's affinities for the given authors and hashtags, decayed to ``now``
        (0 when none is known, so absent keys may be left out), and which of ``post_ids``
        were already shown."""
        ...

"""The ranker's viewer history assembled from a store's two reads (decayed scores per kind of
target, and the posts seen lately): the same in every store that keeps them in tables."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from datetime import datetime

from instagram_core.domain.ranking import ViewerHistory


class HistoryFromScores(ABC):
    """``history`` of :class:`~instagram_core.ports.AffinityStore` from ``_scores`` and
    ``_seen``, which each store implements on its own tables."""

    def history(
        self,
        viewer_id: str,
        author_ids: Iterable[str],
        hashtags: Iterable[str],
        post_ids: Iterable[int],
        now: datetime,
    ) -> ViewerHistory:
        return ViewerHistory(
            self._scores(viewer_id, "author", author_ids, now),
            self._scores(viewer_id, "tag", hashtags, now),
            self._seen(viewer_id, post_ids, now),
        )

    @abstractmethod
    def _scores(
        self, viewer_id: str, kind: str, targets: Iterable[str], now: datetime
    ) -> dict[str, float]:
        """The viewer's scores for ``targets`` of ``kind`` (author, tag), decayed to ``now``;
        targets never engaged with are left out."""

    @abstractmethod
    def _seen(self, viewer_id: str, post_ids: Iterable[int], now: datetime) -> frozenset[int]:
        """Those of ``post_ids`` the viewer was shown within the seen window before ``now``."""

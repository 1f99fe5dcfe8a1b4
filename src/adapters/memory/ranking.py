"""The feed order used until a learned ranker exists: newest first."""

from __future__ import annotations

from collections.abc import Sequence

from instagram_core.ports.ranking import FeedCandidate


class ChronologicalRanker:
    """Orders candidates by post id, newest first (ids are time-ordered snowflakes).

    Ignores the viewer. A post offered twice (say by two rebuild sources) appears once.
    """

    def rank(self, viewer_id: str, candidates: Sequence[FeedCandidate]) -> Sequence[int]:
        return sorted({candidate.post_id for candidate in candidates}, reverse=True)

"""The feed order used until a learned ranker exists: newest first."""

from __future__ import annotations

from collections.abc import Sequence

from instagram_core.domain.posts import Post


class ChronologicalRanker:
    """Scores candidates by creation time, so the newest shows first. Ignores the viewer:
    the order of a feed without a learned model, and of the degraded path."""

    def score(self, viewer_id: str, candidates: Sequence[Post]) -> Sequence[float]:
        return [candidate.created_at.timestamp() for candidate in candidates]

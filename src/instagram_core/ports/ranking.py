from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from instagram_core.domain.posts import Post
from instagram_core.domain.ranking import Candidates, ViewerHistory


class Ranker(Protocol):
    def score(self, viewer_id: str, candidates: Sequence[Post]) -> Sequence[float]:
        """One score per candidate post, in the candidates' order: higher shows first. The
        core sorts by it and then applies the diversity rule."""
        ...


class EngagementModel(Protocol):
    """The multi-task model behind the ML ranker."""

    def predict(self, features: Sequence[Sequence[float]]) -> Sequence[float]:
        """Rows in :data:`~instagram_core.domain.ranking.FEATURES` column order in; out, one
        combined score per row: the heads' probabilities (each in 0..1) weighted by the
        model's :class:`~instagram_core.domain.ranking.HeadWeights`. An empty input gives an
        empty output."""
        ...

    def score(self, viewer: ViewerHistory, candidates: Candidates) -> Sequence[float]:
        """Combined scores for one viewer's candidates (facts one by one, or as columns:
        the same scores), the features computed from the facts exactly as in training (the
        model and its features are one unit)."""
        ...

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import attrs


@attrs.frozen
class FeedCandidate:
    post_id: int
    author_id: str
    created_at: datetime


class Ranker(Protocol):
    def rank(self, viewer_id: str, candidates: Sequence[FeedCandidate]) -> Sequence[int]:
        """The candidates' post ids in the order to show them, best first, each exactly once."""
        ...

"""Item-item cosine similarity in plain Python: the reference the numpy adapter must match,
and the computation where the ``ml`` extra is not installed (small logs only)."""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence

from instagram_core.ports.explore import Engagement, ItemSimilarity, Neighbours


class PlainItemSimilarity:
    def neighbours(
        self, log: Sequence[Engagement], items: Collection[int], k: int
    ) -> Mapping[int, Neighbours]:
        by_user: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        for e in log:
            by_user[e.user_id][e.post_id] += e.weight
        norms: dict[int, float] = defaultdict(float)
        for vector in by_user.values():
            for post_id, weight in vector.items():
                norms[post_id] += weight * weight
        wanted = set(items)
        dots: dict[int, dict[int, float]] = {i: defaultdict(float) for i in wanted}
        for vector in by_user.values():
            mine = [(i, w) for i, w in vector.items() if i in wanted]
            for post_id, weight in mine:
                row = dots[post_id]
                for other, other_weight in vector.items():
                    if other != post_id:
                        row[other] += weight * other_weight
        found: dict[int, Neighbours] = {}
        for post_id in wanted:
            scored = [
                (other, dot / math.sqrt(norms[post_id] * norms[other]))
                for other, dot in dots[post_id].items()
                if dot > 0
            ]
            found[post_id] = heapq.nlargest(k, scored, key=lambda s: (s[1], s[0]))
        return found


def default_item_similarity() -> ItemSimilarity:
    """numpy's where the ``ml`` extra is installed, else this plain one (same answers)."""
    try:
        from instagram_adapters.ranking.item_similarity import NumpyItemSimilarity
    except ImportError:
        return PlainItemSimilarity()
    return NumpyItemSimilarity()

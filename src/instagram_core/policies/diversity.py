"""Diversity after ranking: never more than two posts in a row by one author, and each
further post by an author already on the page counts for a little less.

The decay is 0.8 per earlier appearance: a second post of an author needs a model score 25%
above the best other candidate to come first, a fifth one more than double (1/0.8^4 ≈ 2.4).
That keeps a feed of one very active friend from drowning the rest, yet lets a clearly
better post through; with ~500 candidates and pages of 10-50 the effect is visible on the
first page and fades where candidates from other authors run out."""

from __future__ import annotations

import heapq
from collections import defaultdict, deque
from collections.abc import Sequence

MAX_RUN = 2
REPEAT_DECAY = 0.8


def diversify(
    candidates: Sequence[tuple[int, str, float]],
    max_run: int = MAX_RUN,
    decay: float = REPEAT_DECAY,
) -> list[int]:
    """Post ids of ``(post_id, author_id, score)`` in showing order. Greedy and
    O(n log authors): each author's posts queue by score, and only queue heads compete.
    The run rule yields only when nothing but that author is left."""
    queues: dict[str, deque[tuple[float, int]]] = defaultdict(deque)
    for post_id, author, score in sorted(candidates, key=lambda c: (-c[2], -c[0])):
        queues[author].append((score, post_id))
    shown: dict[str, int] = defaultdict(int)
    heap = [(-q[0][0], -q[0][1], author) for author, q in queues.items()]
    heapq.heapify(heap)
    order: list[int] = []
    last_author, run = "", 0
    while heap:
        held = heapq.heappop(heap) if heap[0][2] == last_author and run >= max_run else None
        if not heap:  # only the held author remains: the rule must yield
            heap, held = [held] if held else [], None
        _, _, author = heapq.heappop(heap)
        _, post_id = queues[author].popleft()
        order.append(post_id)
        run = run + 1 if author == last_author else 1
        last_author = author
        shown[author] += 1
        if queues[author]:
            score, next_id = queues[author][0]
            heapq.heappush(heap, (-score * decay ** shown[author], -next_id, author))
        if held is not None:
            heapq.heappush(heap, held)
    return order

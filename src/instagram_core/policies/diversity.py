"""Diversity after ranking: never more than two posts in a row by one author, and each
further post by an author already on the page counts for a little less.

The decay is 0.8 per earlier appearance: a second post of an author needs a model score 25%
above the best other candidate to come first, a fifth one more than double (1/0.8^4 ≈ 2.4).
That keeps a feed of one very active friend from drowning the rest, yet lets a clearly
better post through; with ~500 candidates and pages of 10-50 the effect is visible on the
first page and fades where candidates from other authors run out.

The run rule holds whenever some order satisfies it. A greedy that spends the other authors
first (best score first, blind to what is left) can strand one prolific author at the end,
five in a row, where an order with at most two existed. Here each step takes the best
candidate whose choice keeps the rest arrangeable, which a count alone decides.

**Why a count decides.** With ``n`` posts left, ``c_a`` of them by author ``a``, the last one
shown by ``L`` closing a run of ``r`` (``r = 0`` before the first), the rest can be shown
with at most ``m = max_run`` in a row iff every author has ``c_a <= m * (n - c_a + 1) -
[a = L] * r``: the other ``n - c_a`` posts cut ``a``'s into at most ``n - c_a + 1`` runs,
and the first one continues ``L``'s open run. Necessity is that counting; sufficiency is the
greedy itself, which never gets stuck while the bound holds. Call ``a`` *critical* when
``c_a > m * (n - c_a)``. Showing ``x`` changes ``a``'s slack (right side minus left) by
``0`` when ``a = x``, by ``r - m`` when ``a = L != x`` and by ``-m`` otherwise; so showing
``x`` keeps the bound iff ``x`` may follow the open run and no author but ``x`` is
critical. Two authors cannot both be critical (``c_a > m * c_b >= c_b > m * c_a``), a
critical author has posts left, and it may follow the run: were it ``L`` with ``r = m``,
its bound would read ``c_L <= m * (n - c_L)``. Hence: show the critical author if there is
one, else the best-scored author who may follow the run; the bound then holds to the end.

When no order satisfies the rule (one author has too many posts for the others to separate)
the same steps separate that author's posts as long as others remain: the rule yields only
when nothing but that author is left. Each step is a few heap operations: O(n log authors).
"""

from __future__ import annotations

import heapq
from collections import defaultdict, deque
from collections.abc import Sequence

MAX_RUN = 2
REPEAT_DECAY = 0.8


Heads = list[tuple[float, int, str]]
Queues = dict[str, deque[tuple[float, int]]]


def diversify(
    candidates: Sequence[tuple[int, str, float]],
    max_run: int = MAX_RUN,
    decay: float = REPEAT_DECAY,
) -> list[int]:
    """Post ids of ``(post_id, author_id, score)`` in showing order: every candidate once,
    no more than ``max_run`` in a row by one author whenever some order allows it (see the
    module docstring), otherwise best decayed score first. Raises ``ValueError`` for a
    ``max_run`` below 1.

    Each author's posts queue by score and only queue heads compete, in a heap by decayed
    score (an entry whose post was shown meanwhile is skipped when it surfaces). Authors
    sit in buckets by posts left: the largest count only falls, so finding it is
    amortised O(1), and a critical author is alone in its bucket."""
    if max_run < 1:
        raise ValueError("max_run must be at least 1")
    queues: Queues = defaultdict(deque)
    for post_id, author, score in sorted(candidates, key=lambda c: (-c[2], -c[0])):
        queues[author].append((score, post_id))
    heads = [(-q[0][0], -q[0][1], author) for author, q in queues.items()]
    heapq.heapify(heads)
    buckets: list[set[str]] = [set() for _ in range(max(map(len, queues.values()), default=0) + 1)]
    for author, queue in queues.items():
        buckets[len(queue)].add(author)
    shown: dict[str, int] = defaultdict(int)
    order: list[int] = []
    last, run, left, top = "", 0, len(candidates), len(buckets) - 1
    while left:
        while not buckets[top]:
            top -= 1
        closed = last if run >= max_run else None
        critical = None
        if top > max_run * (left - top):  # see the module docstring
            critical = _critical(buckets[top], closed)
        author = critical if critical is not None else _best_head(heads, queues, closed)
        queue = queues[author]
        order.append(queue.popleft()[1])
        size = len(queue)
        buckets[size + 1].remove(author)
        buckets[size].add(author)
        if size:
            shown[author] += 1
            score, next_id = queue[0]
            heapq.heappush(heads, (-score * decay ** shown[author], -next_id, author))
        run = run + 1 if author == last else 1
        last, left = author, left - 1
    return order


def _critical(largest: set[str], closed: str | None) -> str | None:
    """The author who must come next for the rest to stay arrangeable: the only one with
    the largest count, unless its run is ``closed`` (then no order works, and the others
    separate its posts while they last)."""
    (author,) = largest
    return None if author == closed else author


def _best_head(heads: Heads, queues: Queues, closed: str | None) -> str:
    """The author of the best head that may come next (not ``closed``, whose run is full),
    popped from ``heads``; ``closed`` itself only when nobody else is left."""
    first = _pop_head(heads, queues)
    if first is None:
        raise AssertionError("every author with posts left has a live head")
    if first[2] != closed:
        return first[2]
    second = _pop_head(heads, queues)
    if second is None:
        return first[2]  # only the closed author is left: the rule must yield
    heapq.heappush(heads, first)
    return second[2]


def _pop_head(heads: Heads, queues: Queues) -> tuple[float, int, str] | None:
    """Pop the best entry whose post is still its author's next, ``None`` when none is."""
    while heads:
        entry = heapq.heappop(heads)
        queue = queues[entry[2]]
        if queue and queue[0][1] == -entry[1]:
            return entry
    return None

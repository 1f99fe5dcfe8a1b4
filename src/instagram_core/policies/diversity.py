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

    Each author's posts queue by score and only queue heads compete by decayed score.
    The competition runs as a walk down one sorted list where it can (see
    :func:`_by_fixed_keys`), else on a heap of the queue heads (:func:`_by_heap`): the
    same order either way."""
    if max_run < 1:
        raise ValueError("max_run must be at least 1")
    fixed = _fixed_keys(candidates, decay) if 0.0 < decay <= 1.0 else None
    if fixed is not None:
        return _by_fixed_keys(*fixed, max_run)
    return _by_heap(_queues(candidates), max_run, decay, len(candidates))


def _queues(candidates: Sequence[tuple[int, str, float]]) -> Queues:
    """Each author's posts, best score first (the newer first on a tie)."""
    queues: Queues = defaultdict(deque)
    for post_id, author, score in sorted(candidates, key=lambda c: (-c[2], -c[0])):
        queues[author].append((score, post_id))
    return queues


def _buckets(queues: Queues) -> list[set[str]]:
    """Authors by how many posts they have left."""
    buckets: list[set[str]] = [set() for _ in range(max(map(len, queues.values()), default=0) + 1)]
    for author, queue in queues.items():
        buckets[len(queue)].add(author)
    return buckets


def _by_fixed_keys(keyed: list[tuple[float, int, str]], most: int, max_run: int) -> list[int]:
    """The heap's order, as a walk down one list sorted once: the fast path.

    An author's ``k``-th post (best first) is its queue's head exactly when ``k`` of its
    posts were shown, so its decayed score is fixed in advance: ``score * decay**k``. With
    scores of at least 0 and a decay of at most 1, those keys fall along each queue, so
    in one list sorted by key every author's posts keep their queue order and the first
    remaining post of each author is its head. The best head is then the list's first
    remaining post, and the best head of anyone but the closed author the first remaining
    post by someone else: no heap, one sort in C (``keyed``, from :func:`_fixed_keys`,
    which declines when some score is negative or a rounding tie would reorder a queue).

    No author can be critical while ``max_run * left >= most * (max_run + 1)`` (``most``:
    the largest author's count at the start, which only falls), so until then the walk needs no
    counts: it streams down the list, holding back the closed author's posts it passes
    (only ever one author's: they are the first remaining, shown as soon as the run is
    broken). :func:`_walk` keeps the counts for the last few steps, where one can be."""
    n = len(keyed)
    bound = most * (max_run + 1)
    order: list[int] = []
    held: deque[tuple[float, int, str]] = deque()  # the closed author's, passed over
    last, run, left, i = "", 0, n, 0
    while left and max_run * left >= bound:
        closed = last if run >= max_run else None
        if held and held[0][2] != closed:
            entry = held.popleft()
        else:
            while i < n and keyed[i][2] == closed:
                held.append(keyed[i])
                i += 1
            if i < n:
                entry = keyed[i]
                i += 1
            else:  # only the closed author is left: the rule must yield
                entry = held.popleft()
        author = entry[2]
        order.append(-entry[1])
        run = run + 1 if author == last else 1
        last, left = author, left - 1
    if left:
        order += _walk([*held, *keyed[i:]], max_run, last, run)
    return order


def _walk(keyed: list[tuple[float, int, str]], max_run: int, last: str, run: int) -> list[int]:
    """:func:`_by_fixed_keys` over what is left of its list (after ``last``'s run of
    ``run``), with the counts the critical test needs."""
    n = len(keyed)
    authors = [entry[2] for entry in keyed]
    firsts: dict[str, deque[int]] = defaultdict(deque)  # each author's remaining positions
    for position, author in enumerate(authors):
        firsts[author].append(position)
    following = list(range(1, n + 1))  # the remaining positions as a linked list
    preceding = list(range(-1, n - 1))
    counts = {author: len(positions) for author, positions in firsts.items()}
    buckets: list[set[str]] = [set() for _ in range(max(counts.values(), default=0) + 1)]
    for author, count in counts.items():
        buckets[count].add(author)
    order: list[int] = []
    first, left, top = 0, n, len(buckets) - 1
    while left:
        while not buckets[top]:
            top -= 1
        closed = last if run >= max_run else None
        pick = -1
        if top > max_run * (left - top):  # a critical author (see the module docstring)
            (critical,) = buckets[top]
            if critical != closed:
                pick = firsts[critical][0]
        if pick < 0:
            pick = _first_by_other(first, authors, following, closed)
        author = authors[pick]
        firsts[author].popleft()
        before, after = preceding[pick], following[pick]
        if before < 0:
            first = after
        else:
            following[before] = after
        if after < n:
            preceding[after] = before
        order.append(-keyed[pick][1])
        size = counts[author] = counts[author] - 1
        buckets[size + 1].remove(author)
        buckets[size].add(author)
        run = run + 1 if author == last else 1
        last, left = author, left - 1
    return order


def _first_by_other(
    first: int, authors: list[str], following: list[int], closed: str | None
) -> int:
    """The first remaining position, or the first by anyone but ``closed`` when it is
    theirs and anyone else is left."""
    if authors[first] != closed:
        return first
    n, other = len(authors), following[first]
    while other < n and authors[other] == closed:
        other = following[other]
    return other if other < n else first


def _fixed_keys(
    candidates: Sequence[tuple[int, str, float]], decay: float
) -> tuple[list[tuple[float, int, str]], int] | None:
    """``(-decayed score, -post id, author)`` of every post, sorted, and the largest
    author's count; ``None`` where the keys would not keep some queue's order (see
    :func:`_by_fixed_keys`). One sort by score puts each author's posts in queue order; a
    second, in C, sorts the keys."""
    ranked = sorted([(-score, -post_id, n) for n, (post_id, _, score) in enumerate(candidates)])
    if ranked and ranked[-1][0] > 0.0:  # the lowest score is below 0
        return None
    powers = [1.0]
    previous: dict[str, tuple[float, int]] = {}  # each author's last key
    depth: defaultdict[str, int] = defaultdict(int)  # and how many of its posts come before
    keyed: list[tuple[float, int, str]] = []
    for negative, negative_id, n in ranked:
        author = candidates[n][1]
        k = depth[author]
        depth[author] = k + 1
        if k:
            if k == len(powers):
                powers.append(decay**k)  # as the heap computes it, bit for bit
            key = negative * powers[k]
            if (key, negative_id) <= previous[author]:
                return None
            previous[author] = (key, negative_id)
            keyed.append((key, negative_id, author))
        else:
            previous[author] = (negative, negative_id)
            keyed.append((negative, negative_id, author))
    keyed.sort()
    return keyed, max(depth.values(), default=0)


def _by_heap(queues: Queues, max_run: int, decay: float, left: int) -> list[int]:
    """The general path: only queue heads compete, in a heap by decayed score (an entry
    whose post was shown meanwhile is skipped when it surfaces)."""
    heads = [(-q[0][0], -q[0][1], author) for author, q in queues.items()]
    heapq.heapify(heads)
    buckets = _buckets(queues)
    shown: dict[str, int] = defaultdict(int)
    order: list[int] = []
    last, run, top = "", 0, len(buckets) - 1
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

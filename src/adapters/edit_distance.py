"""Optimal string alignment (OSA) distance with a cutoff, the typo measure of the search
indexes (Lucene's fuzzy queries use it too): edits are insertions, deletions, substitutions
and swaps of two adjacent characters, no substring edited twice.

rapidfuzz computes it in C, bit-parallel; it comes with the ``server`` extra, where search
serves real traffic. Without it (``pip install instagram-backend`` alone, a fresh venv under
its 60 MB budget) the same answers come from the dynamic programme below, in pure Python:
fine for the in-memory index of a library user or a test, slow for a large one.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence


def osa_distance(a: str, b: str, cutoff: int) -> int:
    """The OSA distance of ``a`` and ``b``, or ``cutoff + 1`` when it exceeds ``cutoff``
    (as rapidfuzz's ``OSA.distance(a, b, score_cutoff=cutoff)`` answers).

    Stops at the first row whose every cell exceeds the cutoff: a row's minimum never falls
    (a swap reaches back two rows, but to a cell no smaller than its diagonal neighbour)."""
    if abs(len(a) - len(b)) > cutoff:
        return cutoff + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            substitution = previous[j - 1] + (a[i - 1] != b[j - 1])
            value = min(previous[j] + 1, row[j - 1] + 1, substitution)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, before[j - 2] + 1)
            row[j] = value
        if min(row) > cutoff:
            return cutoff + 1
        before, previous = previous, row
    return min(previous[-1], cutoff + 1)


def osa_close_matches(query: str, choices: Sequence[str], cutoff: int) -> list[str]:
    """The ``choices`` within ``cutoff`` edits of ``query``, nearest first, ties in their
    order (as rapidfuzz's ``process.extract(..., scorer=OSA.distance, limit=None)``)."""
    scored = [(osa_distance(query, choice, cutoff), index) for index, choice in enumerate(choices)]
    return [choices[index] for edits, index in sorted(scored) if edits <= cutoff]


HAVE_RAPIDFUZZ = importlib.util.find_spec("rapidfuzz") is not None


def distance(a: str, b: str, cutoff: int) -> int:
    """:func:`osa_distance`, by rapidfuzz where it is installed."""
    if HAVE_RAPIDFUZZ:
        from rapidfuzz.distance import OSA

        return int(OSA.distance(a, b, score_cutoff=cutoff))
    return osa_distance(a, b, cutoff)


def close_matches(query: str, choices: Sequence[str], cutoff: int) -> list[str]:
    """:func:`osa_close_matches`, by rapidfuzz where it is installed."""
    if HAVE_RAPIDFUZZ:
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        found = process.extract(
            query, choices, scorer=OSA.distance, score_cutoff=cutoff, limit=None
        )
        return [choice for choice, _, _ in found]
    return osa_close_matches(query, choices, cutoff)

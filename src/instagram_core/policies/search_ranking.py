"""How search matches and ranks, written once for every adapter (``docs/search.md``).

Matching: a query matches a term if the term starts with it, or if it is within
:func:`allowed_edits` edits of some prefix of the term (a swapped pair of adjacent letters
counts as one edit: optimal string alignment, which Lucene's fuzzy automata also use).

Ranking users: the index orders candidates by a *static* score any engine can compute,

    static = tier weight (exact 300, prefix 200, fuzzy 100) + 5 * verified
             + log10(1 + followers)

and the core re-ranks that window with the viewer's own signals,

    final = static + 2 * log2(1 + mutuals) + 2 * log2(1 + affinity)

The core sorts by tier first and score second, so an exact username is always first and a
prefix match always beats a typo, however popular the typo's account.
"""

from __future__ import annotations

import math

from instagram_core.ports.search import MatchTier

# 100 apart: more than verified plus log10 of any follower count, so the static order is
# tier first whatever the popularity (an index that sorts by score alone sorts by tier).
TIER_WEIGHT = {MatchTier.EXACT: 300.0, MatchTier.PREFIX: 200.0, MatchTier.FUZZY: 100.0}
VERIFIED_WEIGHT = 5.0
MUTUAL_WEIGHT = 2.0
AFFINITY_WEIGHT = 2.0
TRENDING_WEIGHT = 10.0  # hashtags: visible post count + 10 * trending velocity
MAX_TERM = 32  # characters of a term (and of a query) the indexes match on


def allowed_edits(query_length: int) -> int:
    """0 for 1-2 characters (a single letter within one edit matches everything), 1 for
    3-5, 2 from 6: one edit for short queries, two for longer ones (Elasticsearch's
    ``fuzziness: AUTO`` thresholds)."""
    if query_length <= 2:
        return 0
    return 1 if query_length <= 5 else 2


def static_user_score(tier: MatchTier, is_verified: bool, follower_count: int) -> float:
    return (
        TIER_WEIGHT[tier]
        + (VERIFIED_WEIGHT if is_verified else 0.0)
        + math.log10(1 + max(follower_count, 0))
    )


def final_user_score(static: float, mutual_count: int, affinity: float) -> float:
    return (
        static
        + MUTUAL_WEIGHT * math.log2(1 + max(mutual_count, 0))
        + AFFINITY_WEIGHT * math.log2(1 + max(affinity, 0.0))
    )


def hashtag_score(visible_count: int, trending_velocity: float) -> float:
    return visible_count + TRENDING_WEIGHT * trending_velocity

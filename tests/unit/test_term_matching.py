"""The embedded index's typo lookup walks a trie of stored prefixes and its ranked prefix
lists are kept sorted as users are put: both must answer exactly as the brute force they
replace (every stored prefix compared, every holder sorted per query)."""

from __future__ import annotations

import gc

from hypothesis import given, settings
from hypothesis import strategies as st

from instagram_adapters.edit_distance import osa_distance
from instagram_adapters.memory.search import RANKED_FROM, InMemorySearchIndex
from instagram_adapters.search_terms import user_terms
from instagram_adapters.term_matching import TermMatcher
from instagram_core.policies.search_ranking import allowed_edits, static_user_score
from instagram_core.ports.search import MatchTier, UserDocument

# Few letters, so that shared prefixes, swaps and near misses are common.
words = st.text(alphabet="abcd", min_size=1, max_size=9)


def every_close_prefix(terms: dict[int, list[str]], query: str) -> set[str]:
    """Every stored prefix compared with the query: what the trie walk must find."""
    edits = allowed_edits(len(query))
    stored = {
        term[:end] for kept in terms.values() for term in kept for end in range(1, len(term) + 1)
    }
    if not edits:
        return set()
    return {gram for gram in stored if osa_distance(query, gram, edits) <= edits}


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.integers(0, 20), st.lists(words, min_size=1, max_size=3), max_size=20),
    st.lists(st.integers(0, 20), max_size=8),
    words,
)
def test_the_trie_walk_finds_every_stored_prefix_within_the_edits(
    terms: dict[int, list[str]], removed: list[int], query: str
) -> None:
    matcher: TermMatcher[int] = TermMatcher()
    for key, kept in terms.items():
        matcher.put(key, kept)
    for key in removed:  # removals prune the trie too
        matcher.remove(key)
        terms.pop(key, None)
    found = matcher.fuzzy_grams(query)
    assert len(found) == len(set(found))
    assert set(found) == every_close_prefix(terms, query)


def brute_force_top(users: dict[str, UserDocument], prefix: str, limit: int) -> list[str]:
    def bonus(user: UserDocument) -> float:
        score = static_user_score(MatchTier.FUZZY, user.is_verified, user.follower_count)
        return score - static_user_score(MatchTier.FUZZY, False, 0)

    holders = [
        user
        for user in users.values()
        if any(term.startswith(prefix) for term in user_terms(user.username, user.display_name))
    ]
    holders.sort(key=lambda user: (-bonus(user), user.username, user.user_id))
    return [user.user_id for user in holders[:limit]]


updates = st.lists(
    st.tuples(
        st.integers(0, RANKED_FROM + 40),
        st.sampled_from(["ab", "ba", "abba", "cd"]),
        st.integers(0, 5000),
        st.booleans(),
    ),
    max_size=30,
)


def user(n: int, stem: str, followers: int, verified: bool) -> UserDocument:
    return UserDocument(
        user_id=f"u{n:04d}",
        username=f"{stem}{n}",
        display_name="Carla Dubois" if n % 2 else "Dario Costa",
        is_private=False,
        is_verified=verified,
        follower_count=followers,
    )


@settings(max_examples=30, deadline=None)
@given(updates, st.booleans(), st.booleans())
def test_ranked_prefix_lists_stay_sorted_through_re_puts(
    changes: list[tuple[int, str, int, bool]], bulk_fill: bool, bulk_changes: bool
) -> None:
    """One by one or in bulk (``put_users``, start-up loading), the same answers."""
    index = InMemorySearchIndex()
    users: dict[str, UserDocument] = {}

    def put(batch: list[UserDocument], bulk: bool) -> None:
        users.update((u.user_id, u) for u in batch)
        if bulk:
            index.put_users(batch)
        else:
            for u in batch:
                index.put_user(u)

    # Enough holders for "a", "ab", "c", "d" to be kept ranked.
    put([user(n, "ab", n % 7, False) for n in range(RANKED_FROM + 40)], bulk_fill)
    # New scores, new usernames: each moves a user within or out of a list (a bulk batch may
    # hold one user twice: the last one counts).
    put([user(*change) for change in changes], bulk_changes)
    for prefix in ["a", "ab", "b", "c", "d", "ca", "da"]:
        hits = index.search_users(prefix, frozenset(), 10)
        assert [hit.user_id for hit in hits] == brute_force_top(users, prefix, 10)
        assert all(hit.tier == MatchTier.PREFIX for hit in hits)


def test_the_filed_index_leaves_the_garbage_collector_next_to_nothing_to_walk() -> None:
    """Sets (one per stored prefix) made 100,000 users about a million tracked objects, and
    every full collection walked them all (0.7-0.9 s). Dicts of atomic values, tuples and
    strings are not tracked, so filing many users must add almost no tracked object."""
    gc.collect()
    before = len(gc.get_objects())
    index = InMemorySearchIndex()
    index.put_users(user(n, "ab" if n % 3 else "ba", n % 11, n % 50 == 0) for n in range(1500))
    for n in range(1500, 2000):
        index.put_user(user(n, "cd", n % 5, False))
    gc.collect()
    added = len(gc.get_objects()) - before
    assert index.search_users("ab", frozenset(), 3)  # filed indeed
    assert added < 100, added  # the index's own containers and the crowded prefixes' lists

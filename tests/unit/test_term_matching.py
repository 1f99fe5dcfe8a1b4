"""The embedded index's typo lookup walks a trie of stored prefixes and its ranked prefix
lists are kept sorted as users are put: both must answer exactly as the brute force they
replace (every stored prefix compared, every holder sorted per query)."""

from __future__ import annotations

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


@settings(max_examples=30, deadline=None)
@given(updates)
def test_ranked_prefix_lists_stay_sorted_through_re_puts(
    changes: list[tuple[int, str, int, bool]],
) -> None:
    index = InMemorySearchIndex()
    users: dict[str, UserDocument] = {}

    def put(n: int, stem: str, followers: int, verified: bool) -> None:
        user = UserDocument(
            user_id=f"u{n:04d}",
            username=f"{stem}{n}",
            display_name="Carla Dubois" if n % 2 else "Dario Costa",
            is_private=False,
            is_verified=verified,
            follower_count=followers,
        )
        users[user.user_id] = user
        index.put_user(user)

    for n in range(RANKED_FROM + 40):  # enough holders for "a", "ab", "c", "d" to be kept ranked
        put(n, "ab", n % 7, False)
    for change in changes:  # new scores, new usernames: each moves a user within or out of a list
        put(*change)
    for prefix in ["a", "ab", "b", "c", "d", "ca", "da"]:
        hits = index.search_users(prefix, frozenset(), 10)
        assert [hit.user_id for hit in hits] == brute_force_top(users, prefix, 10)
        assert all(hit.tier == MatchTier.PREFIX for hit in hits)

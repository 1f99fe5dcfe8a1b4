"""The pure-Python typo distance of a light install (no rapidfuzz) answers as rapidfuzz does:
the same distances under a cutoff, the same matches in the same order."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import process
from rapidfuzz.distance import OSA

from instagram_adapters import edit_distance
from instagram_adapters.edit_distance import osa_close_matches, osa_distance

# Few letters, so that swaps, repeats and near misses are common.
words = st.text(alphabet="abcde", max_size=9)


def test_rapidfuzz_is_used_where_it_is_installed() -> None:
    assert edit_distance.HAVE_RAPIDFUZZ


@settings(max_examples=500)
@given(words, words, st.integers(0, 4))
def test_the_distance_is_rapidfuzzs(a: str, b: str, cutoff: int) -> None:
    assert osa_distance(a, b, cutoff) == OSA.distance(a, b, score_cutoff=cutoff)
    assert edit_distance.distance(a, b, cutoff) == osa_distance(a, b, cutoff)


@settings(max_examples=200)
@given(words, st.lists(words, max_size=30), st.integers(0, 3))
def test_the_matches_are_rapidfuzzs_in_its_order(
    query: str, choices: list[str], cutoff: int
) -> None:
    expected = [
        choice
        for choice, _, _ in process.extract(
            query, choices, scorer=OSA.distance, score_cutoff=cutoff, limit=None
        )
    ]
    assert osa_close_matches(query, choices, cutoff) == expected
    assert edit_distance.close_matches(query, choices, cutoff) == expected


def test_a_swap_is_one_edit_and_no_substring_is_edited_twice() -> None:
    assert osa_distance("ab", "ba", 2) == 1  # a swap of neighbours
    assert osa_distance("ca", "abc", 5) == 3  # OSA, not Damerau-Levenshtein's 2
    assert osa_distance("kitten", "sitting", 5) == 3
    assert osa_distance("kitten", "sitting", 2) == 3  # over the cutoff: cutoff + 1
    assert osa_distance("", "abc", 1) == 2  # the lengths alone exceed it

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from instagram_core.policies.diversity import diversify

CANDIDATES = st.lists(
    st.tuples(st.sampled_from("abcd"), st.floats(0, 1, allow_nan=False)), max_size=60
).map(lambda items: [(i + 1, author, score) for i, (author, score) in enumerate(items)])


def runs(order: list[int], author_of: dict[int, str]) -> int:
    longest = current = 0
    previous = None
    for post_id in order:
        current = current + 1 if author_of[post_id] == previous else 1
        previous = author_of[post_id]
        longest = max(longest, current)
    return longest


@given(CANDIDATES)
def test_every_candidate_appears_exactly_once(candidates: list[tuple[int, str, float]]) -> None:
    assert sorted(diversify(candidates)) == sorted(c[0] for c in candidates)


@given(CANDIDATES)
def test_no_author_runs_more_than_twice_unless_only_they_are_left(
    candidates: list[tuple[int, str, float]],
) -> None:
    author_of = {c[0]: c[1] for c in candidates}
    order = diversify(candidates)
    for index in range(2, len(order)):
        trio = {author_of[p] for p in order[index - 2 : index + 1]}
        if len(trio) == 1:
            rest = {author_of[p] for p in order[index:]}
            assert rest == trio, "a run of three while another author was waiting"


def test_best_first_and_repeated_authors_decay() -> None:
    order = diversify([(1, "a", 1.0), (2, "a", 0.95), (3, "b", 0.9), (4, "a", 0.85)])
    assert order[0] == 1
    assert order[1] == 3  # a's second post counts 0.95 * 0.8 = 0.76 < 0.9
    assert sorted(order) == [1, 2, 3, 4]


def test_a_single_author_feed_keeps_score_order() -> None:
    assert diversify([(1, "a", 0.1), (2, "a", 0.9), (3, "a", 0.5)]) == [2, 3, 1]

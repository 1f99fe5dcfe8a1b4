from __future__ import annotations

import functools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from instagram_core.policies.diversity import REPEAT_DECAY, _by_heap, _queues, diversify

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


# Feasibility found by search, independent of the bound the implementation relies on.
@functools.cache
def arrangeable(counts: tuple[int, ...], last: int, run: int, max_run: int) -> bool:
    """Whether authors with these post counts can be shown with at most ``max_run`` in a
    row, after a run of ``run`` by author index ``last`` (-1: none)."""
    if not any(counts):
        return True
    for author, count in enumerate(counts):
        if count and (author != last or run < max_run):
            rest = (*counts[:author], count - 1, *counts[author + 1 :])
            if arrangeable(rest, author, run + 1 if author == last else 1, max_run):
                return True
    return False


SMALL = st.tuples(
    st.lists(st.tuples(st.sampled_from("abc"), st.floats(0, 1, allow_nan=False)), max_size=12).map(
        lambda items: [(i + 1, author, score) for i, (author, score) in enumerate(items)]
    ),
    st.integers(1, 3),
)


def counts_of(authors: list[str]) -> tuple[int, ...]:
    return tuple(authors.count(a) for a in "abc")


@given(SMALL)
def test_the_run_rule_holds_whenever_some_order_satisfies_it(
    case: tuple[list[tuple[int, str, float]], int],
) -> None:
    candidates, max_run = case
    author_of = {c[0]: c[1] for c in candidates}
    order = diversify(candidates, max_run=max_run)
    if arrangeable(counts_of([c[1] for c in candidates]), -1, 0, max_run):
        assert runs(order, author_of) <= max_run
    else:  # no order can: a longer run only starts once nobody else is left
        for index in range(max_run, len(order)):
            window = {author_of[p] for p in order[index - max_run : index + 1]}
            if len(window) == 1:
                assert {author_of[p] for p in order[index:]} == window


@given(SMALL)
def test_each_step_shows_the_best_decayed_post_that_keeps_the_rest_arrangeable(
    case: tuple[list[tuple[int, str, float]], int],
) -> None:
    """Closest to score order the rule allows: the pick beats every author whose head
    could come next without making the rest unarrangeable (checked by search)."""
    candidates, max_run = case
    if not arrangeable(counts_of([c[1] for c in candidates]), -1, 0, max_run):
        return
    by_id = {c[0]: c for c in candidates}
    left = sorted(candidates, key=lambda c: (-c[2], -c[0]))
    shown: dict[str, int] = {}
    last, run = -1, 0
    for post_id in diversify(candidates, max_run=max_run):
        allowed = []
        for index, author in enumerate("abc"):
            mine = [c for c in left if c[1] == author]
            if not mine or (index == last and run >= max_run):
                continue
            rest = counts_of([c[1] for c in left if c is not mine[0]])
            if arrangeable(rest, index, run + 1 if index == last else 1, max_run):
                allowed.append(mine[0][2] * REPEAT_DECAY ** shown.get(author, 0))
        _, author, score = by_id[post_id]
        assert score * REPEAT_DECAY ** shown.get(author, 0) == max(allowed)
        left.remove(by_id[post_id])
        shown[author] = shown.get(author, 0) + 1
        index = "abc".index(author)
        run, last = (run + 1 if index == last else 1), index


@given(st.lists(st.integers(0, 5), min_size=1, max_size=4), st.integers(1, 3))
def test_the_count_bound_matches_search(counts: list[int], max_run: int) -> None:
    """The closed form the module docstring proves, checked against exhaustive search."""
    total, largest = sum(counts), max(counts)
    bound = largest <= max_run * (total - largest + 1)
    assert arrangeable(tuple(counts), -1, 0, max_run) == bound


def test_a_prolific_author_is_spread_between_the_others_not_left_for_the_end() -> None:
    """The review's case: the others score higher, yet spending them first would leave
    eight posts of ``a`` in a row where ``a a b a a c a a d a a`` exists."""
    candidates = [(i, "a", 0.5 - i / 100) for i in range(1, 9)]
    candidates += [(20, "b", 0.9), (21, "c", 0.8), (22, "d", 0.7)]
    author_of = {c[0]: c[1] for c in candidates}
    assert runs(diversify(candidates), author_of) == 2


def test_max_run_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="max_run"):
        diversify([(1, "a", 1.0)], max_run=0)


SKEWED = st.lists(
    st.tuples(
        st.sampled_from("aaaabbc"),
        st.sampled_from([0.0, 0.25, 0.5, 1.0]) | st.floats(0, 100, allow_nan=False),
    ),
    max_size=80,
).map(lambda items: [(i + 1, author, score) for i, (author, score) in enumerate(items)])


@given(
    CANDIDATES | SKEWED,
    st.integers(1, 3),
    st.sampled_from([REPEAT_DECAY, 0.5, 0.99, 1.0]),
)
def test_the_walk_down_the_sorted_list_gives_the_heaps_order(
    candidates: list[tuple[int, str, float]], max_run: int, decay: float
) -> None:
    """The fast path (one sort, then a walk) against the general one (a heap of queue
    heads), ties and a dominant author included: the same order, post for post."""
    heap_order = _by_heap(_queues(candidates), max_run, decay, len(candidates))
    assert diversify(candidates, max_run, decay) == heap_order


def test_negative_scores_take_the_heap_path() -> None:
    candidates = [(1, "a", -1.0), (2, "a", -1.0), (3, "b", -0.5)]
    assert diversify(candidates) == _by_heap(_queues(candidates), 2, REPEAT_DECAY, 3)

"""Contract of :class:`~instagram_core.ports.Ranker`, run against every adapter."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.memory.ranking import ChronologicalRanker
from instagram_core.ports import FeedCandidate, Ranker

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(params=[pytest.param(ChronologicalRanker, id="chronological")])
def ranker(request: pytest.FixtureRequest) -> Ranker:
    factory: Callable[[], Ranker] = request.param
    return factory()


def candidate(post_id: int, author_id: str = "ann") -> FeedCandidate:
    return FeedCandidate(post_id, author_id, T0 + timedelta(seconds=post_id))


def test_no_candidates_rank_to_nothing(ranker: Ranker) -> None:
    assert list(ranker.rank("viewer", [])) == []


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(post_ids=st.lists(st.integers(1, 10**6), max_size=50))
def test_every_candidate_appears_exactly_once(ranker: Ranker, post_ids: list[int]) -> None:
    ranked = list(ranker.rank("viewer", [candidate(p) for p in post_ids]))
    assert sorted(ranked) == sorted(set(post_ids))


def test_chronological_puts_the_newest_post_first(ranker: Ranker) -> None:
    candidates = [candidate(5, "bob"), candidate(9), candidate(1, "cy"), candidate(7)]
    assert list(ChronologicalRanker().rank("viewer", candidates)) == [9, 7, 5, 1]

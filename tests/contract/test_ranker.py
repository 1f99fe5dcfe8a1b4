"""Contract of :class:`~instagram_core.ports.Ranker`, run against every adapter."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instagram_adapters.memory.ranking import ChronologicalRanker
from instagram_core.domain.posts import Post
from instagram_core.ports import Ranker

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(params=[pytest.param(ChronologicalRanker, id="chronological")])
def ranker(request: pytest.FixtureRequest) -> Ranker:
    factory: Callable[[], Ranker] = request.param
    return factory()


def candidate(post_id: int, author_id: str = "ann") -> Post:
    return Post(post_id, author_id, (1,), T0 + timedelta(seconds=post_id))


def test_no_candidates_score_nothing(ranker: Ranker) -> None:
    assert list(ranker.score("viewer", [])) == []


@settings(
    max_examples=100,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(post_ids=st.lists(st.integers(1, 10**6), max_size=50))
def test_one_finite_score_per_candidate(ranker: Ranker, post_ids: list[int]) -> None:
    scores = list(ranker.score("viewer", [candidate(p) for p in post_ids]))
    assert len(scores) == len(post_ids)
    assert all(math.isfinite(s) for s in scores)


def test_chronological_scores_the_newest_post_highest() -> None:
    candidates = [candidate(5, "bob"), candidate(9), candidate(1, "cy"), candidate(7)]
    scores = ChronologicalRanker().score("viewer", candidates)
    ranked = [
        c.post_id for _, c in sorted(zip(scores, candidates, strict=True), key=lambda x: -x[0])
    ]
    assert ranked == [9, 7, 5, 1]

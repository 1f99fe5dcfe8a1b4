"""Contract of :class:`~instagram_core.ports.TrendingTags` (hashtags by recent, decaying use).

Provide ``new_trending_tags``: a fixture returning a factory of fresh, empty adapters.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from instagram_core.ports.trending import TrendingTags

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def names(trending: TrendingTags, now: datetime, limit: int = 10) -> list[str]:
    return [tag for tag, _ in trending.top(limit, now)]


class TrendingTagsContract:
    """The behaviour every adapter of the port must show. Subclass it in a test module (as
    ``Test<YourAdapter>``) and provide the adapter's fixture: see the module docstring."""

    @pytest.fixture
    def trending(self, new_trending_tags: Callable[[], TrendingTags]) -> TrendingTags:
        return new_trending_tags()

    def test_nothing_trends_at_first(self, trending: TrendingTags) -> None:
        assert trending.top(5, T0) == []

    def test_more_uses_rank_higher_and_repeats_in_one_post_count_once(
        self,
        trending: TrendingTags,
    ) -> None:
        trending.bump(["cats", "cats", "dogs"], T0)
        trending.bump(["cats"], T0)
        top = trending.top(5, T0)
        assert [tag for tag, _ in top] == ["cats", "dogs"]
        assert top[0][1] == pytest.approx(2.0)
        assert top[1][1] == pytest.approx(1.0)

    def test_scores_halve_every_hour_so_new_uses_win(self, trending: TrendingTags) -> None:
        for _ in range(3):
            trending.bump(["old"], T0)
        later = T0 + timedelta(hours=2)
        trending.bump(["new"], later)
        assert names(trending, later) == ["new", "old"]  # 1 against 3 / 4
        assert dict(trending.top(5, later))["old"] == pytest.approx(0.75)

    def test_uses_across_midnight_add_up(self, trending: TrendingTags) -> None:
        before = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
        trending.bump(["nye"], before)
        after = before + timedelta(hours=1)
        trending.bump(["nye"], after)
        assert dict(trending.top(5, after))["nye"] == pytest.approx(1.5)

    def test_tags_older_than_the_window_are_gone(self, trending: TrendingTags) -> None:
        trending.bump(["ancient"], T0)
        assert names(trending, T0 + timedelta(days=3)) == []

    def test_limit_bounds_the_answer(self, trending: TrendingTags) -> None:
        for index in range(5):
            trending.bump([f"t{index}"] * 1, T0 + timedelta(seconds=index))
        assert len(trending.top(3, T0 + timedelta(seconds=10))) == 3
        assert trending.top(0, T0) == []

    def test_a_use_with_an_id_counts_once(self, trending: TrendingTags) -> None:
        trending.bump(["cats", "dogs"], T0, use_id="post:1")
        trending.bump(["cats", "dogs"], T0 + timedelta(minutes=5), use_id="post:1")  # again
        trending.bump(["cats"], T0, use_id="post:2")
        top = dict(trending.top(5, T0))
        assert top["cats"] == pytest.approx(2.0)
        assert top["dogs"] == pytest.approx(1.0)

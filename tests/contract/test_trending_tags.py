"""Contract of the TrendingTags port, run against every adapter."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from instagram_adapters.memory.trending import InMemoryTrendingTags
from instagram_adapters.redis.client import redis_client
from instagram_adapters.redis.trending import RedisTrendingTags
from instagram_core.ports.trending import TrendingTags

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "redis"])
def trending(request: pytest.FixtureRequest) -> Iterator[TrendingTags]:
    if request.param == "memory":
        yield InMemoryTrendingTags()
        return
    client = redis_client(request.getfixturevalue("redis_server").url)
    client.flushdb()
    yield RedisTrendingTags(client)
    client.close()


def names(trending: TrendingTags, now: datetime, limit: int = 10) -> list[str]:
    return [tag for tag, _ in trending.top(limit, now)]


def test_nothing_trends_at_first(trending: TrendingTags) -> None:
    assert trending.top(5, T0) == []


def test_more_uses_rank_higher_and_repeats_in_one_post_count_once(
    trending: TrendingTags,
) -> None:
    trending.bump(["cats", "cats", "dogs"], T0)
    trending.bump(["cats"], T0)
    top = trending.top(5, T0)
    assert [tag for tag, _ in top] == ["cats", "dogs"]
    assert top[0][1] == pytest.approx(2.0)
    assert top[1][1] == pytest.approx(1.0)


def test_scores_halve_every_hour_so_new_uses_win(trending: TrendingTags) -> None:
    for _ in range(3):
        trending.bump(["old"], T0)
    later = T0 + timedelta(hours=2)
    trending.bump(["new"], later)
    assert names(trending, later) == ["new", "old"]  # 1 against 3 / 4
    assert dict(trending.top(5, later))["old"] == pytest.approx(0.75)


def test_uses_across_midnight_add_up(trending: TrendingTags) -> None:
    before = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    trending.bump(["nye"], before)
    after = before + timedelta(hours=1)
    trending.bump(["nye"], after)
    assert dict(trending.top(5, after))["nye"] == pytest.approx(1.5)


def test_tags_older_than_the_window_are_gone(trending: TrendingTags) -> None:
    trending.bump(["ancient"], T0)
    assert names(trending, T0 + timedelta(days=3)) == []


def test_limit_bounds_the_answer(trending: TrendingTags) -> None:
    for index in range(5):
        trending.bump([f"t{index}"] * 1, T0 + timedelta(seconds=index))
    assert len(trending.top(3, T0 + timedelta(seconds=10))) == 3
    assert trending.top(0, T0) == []


def test_a_use_with_an_id_counts_once(trending: TrendingTags) -> None:
    trending.bump(["cats", "dogs"], T0, use_id="post:1")
    trending.bump(["cats", "dogs"], T0 + timedelta(minutes=5), use_id="post:1")  # redelivered
    trending.bump(["cats"], T0, use_id="post:2")
    top = dict(trending.top(5, T0))
    assert top["cats"] == pytest.approx(2.0)
    assert top["dogs"] == pytest.approx(1.0)

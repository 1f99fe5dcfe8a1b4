"""The feed-at-scale simulation (``scripts/simulate_feed_scale.py``) at 5,000 users: the
graph, the simulated day and every strategy keep the invariants the document relies on.
numpy only: the plots (matplotlib) are never drawn here."""

from __future__ import annotations

import importlib.util
import itertools
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from instagram_core.policies.fanout import CELEBRITY_THRESHOLD, FanoutPolicy
from instagram_entrypoints.config import Settings

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "simulate_feed_scale.py"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("simulate_feed_scale", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


sim = _load_script()
PARAMS = sim.Params(users=5_000, seed=7)


@pytest.fixture(scope="module")
def day() -> Any:
    return sim.simulate(PARAMS)


@pytest.fixture(scope="module")
def day_all_present() -> Any:
    return sim.simulate(PARAMS, all_present=True)


@pytest.fixture(scope="module")
def world(day: Any) -> list[Any]:
    return sim.world_model(
        PARAMS,
        PARAMS.world_users,
        500e6,
        sim.world_inputs(day),
        dau=PARAMS.world_dau,
        readers=3_000,
    )


def _non_decreasing(values: Sequence[float]) -> bool:
    return all(b >= a - 1e-9 * max(abs(a), 1.0) for a, b in itertools.pairwise(values))


def _non_increasing(values: Sequence[float]) -> bool:
    return _non_decreasing([-v for v in values])


def test_edge_count_matches_degree_sums(day: Any) -> None:
    graph = day.graph
    assert graph.indptr[0] == 0
    assert graph.edges == len(graph.indices) == graph.out_degree.sum() == graph.in_degree.sum()
    assert np.array_equal(graph.in_degree, np.bincount(graph.indices, minlength=graph.users))


def test_no_self_follows_nor_repeated_follows(day: Any) -> None:
    graph = day.graph
    follower = np.repeat(np.arange(graph.users, dtype=np.int64), graph.out_degree)
    key = follower * graph.users + graph.indices
    assert not np.any(follower == graph.indices)
    assert np.all(np.diff(key) > 0)  # sorted CSR rows, so no duplicates either
    assert graph.out_degree.max() <= PARAMS.following_cap


def test_followers_have_a_heavy_tail(day: Any) -> None:
    followers = day.graph.in_degree
    assert followers.max() > 20 * np.median(followers)
    assert 1.0 < sim.tail_exponent(followers, 100) < 3.0


def test_the_fitted_law_reaches_the_top_account() -> None:
    alpha = sim.fit_alpha(PARAMS.following_mean, PARAMS.world_users, PARAMS.world_top_followers)
    k_min = PARAMS.following_mean * (alpha - 1) / alpha
    top = k_min * (2 * PARAMS.world_users) ** (1 / alpha)
    assert top == pytest.approx(PARAMS.world_top_followers, rel=1e-6)
    assert 1.1 < alpha < 1.5


def test_push_only_amplification_is_the_mean_follower_count_of_posters(day: Any) -> None:
    push = day.results[-1]
    count, followers = day.posts.count, day.graph.in_degree
    assert push.name == "push-only"
    assert push.posts == count.sum() > 0
    assert push.targets_per_post == pytest.approx((count * followers).sum() / count.sum())


def test_with_every_feed_present_push_inserts_reach_every_follower(day_all_present: Any) -> None:
    push = day_all_present.results[-1]
    assert push.inserts == push.fanout_targets > 0
    assert push.rebuild_inserts == 0


def test_the_skip_rule_only_removes_inserts(day: Any) -> None:
    for result in day.results:
        assert 0 <= result.inserts <= result.fanout_targets
    push = day.results[-1]
    assert push.inserts < push.fanout_targets


def test_pull_only_writes_no_cache_entry(day: Any) -> None:
    pull = day.results[0]
    assert pull.name == "pull-only"
    assert pull.fanout_targets == pull.inserts == pull.rebuild_inserts == 0
    assert pull.cached_feeds == pull.cache_entries == pull.cache_bytes == 0
    active = day.activity.active
    loads = day.activity.loads[active]
    expected = ((1 + day.graph.out_degree[active]) * loads).sum() / loads.sum()
    assert pull.reads.mean == pytest.approx(expected)


def test_push_only_reads_one_source_except_to_rebuild(day: Any) -> None:
    push = day.results[-1]
    assert push.reads.p50 == 1
    late_loads = day.activity.late.sum()
    rebuild_reads = day.graph.out_degree[day.activity.late].sum()
    assert push.reads.extra_reads == pytest.approx(rebuild_reads)
    assert push.reads.loads == day.activity.loads.sum() > late_loads


def test_hybrid_is_monotone_in_the_threshold(day: Any) -> None:
    rows = day.results
    assert [r.threshold for r in rows] == sorted(r.threshold for r in rows)
    assert _non_decreasing([r.fanout_targets for r in rows])
    assert _non_decreasing([r.inserts for r in rows])
    assert _non_decreasing([r.writes for r in rows])
    assert _non_decreasing([r.peak_fanout for r in rows])
    assert _non_decreasing([r.cache_entries for r in rows])
    assert _non_increasing([r.celebrities for r in rows])
    assert _non_increasing([r.reads.mean for r in rows])
    assert _non_increasing([r.reads.p99 for r in rows])
    for r in rows[1:-1]:
        assert r.peak_fanout < r.threshold


def test_feeds_never_exceed_the_cap(day: Any) -> None:
    for r in day.results[1:]:
        assert r.cache_entries <= r.cached_feeds * PARAMS.feed_capacity


def test_the_world_model_is_monotone_and_keeps_the_anchor(world: list[Any]) -> None:
    assert _non_decreasing([r.writes for r in world])
    assert _non_increasing([r.reads.mean for r in world])
    assert _non_decreasing([r.peak_fanout for r in world])
    assert world[-1].peak_fanout == pytest.approx(PARAMS.world_top_followers, rel=1e-6)
    assert world[0].writes == world[0].cache_bytes == 0
    assert world[0].reads.loads == pytest.approx(PARAMS.world_dau * PARAMS.loads_per_dau)


def test_the_choice_is_an_admissible_hybrid(world: list[Any]) -> None:
    choice = sim.choose(world)
    chosen = next(r for r in world if r.threshold == choice.threshold)
    assert chosen.threshold in PARAMS.thresholds
    assert sim.burst_seconds(chosen) <= sim.BURST_SECONDS


def test_redis_bytes_per_entry() -> None:
    cost = sim.redis_cost(PARAMS.feed_capacity)
    assert 100 < cost.skiplist_entry < 150
    assert cost.listpack_entry == 31
    assert sim.jemalloc_class(23) == 32
    assert sim.jemalloc_class(536) == 640


def test_the_same_seed_gives_the_same_day(day: Any) -> None:
    again = sim.simulate(PARAMS)
    assert np.array_equal(again.graph.indices, day.graph.indices)
    assert [r.writes for r in again.results] == [r.writes for r in day.results]


def test_the_code_default_is_the_threshold_the_document_chooses() -> None:
    """One threshold everywhere: the document's choice, the policy's constant, the
    setting's default and the policy a container builds by default."""
    document = (SCRIPT.parents[1] / "docs" / "feed-at-scale.md").read_text()
    found = re.search(r"\*\*Chosen threshold: (\S+) followers\.\*\*", document)
    assert found is not None
    assert found.group(1) == sim.human(CELEBRITY_THRESHOLD)
    assert f"is {sim.human(CELEBRITY_THRESHOLD)}, the single default" in document
    assert "the threshold chosen here" in document
    assert Settings().fanout_celebrity_threshold == CELEBRITY_THRESHOLD
    assert FanoutPolicy().celebrity_threshold == CELEBRITY_THRESHOLD
    assert sim.SEED_THRESHOLD == 50_000  # the seed's, compared against, not the default


def test_a_choice_other_than_the_code_default_is_called_out() -> None:
    assert "change one or the other" in sim._in_the_code(CELEBRITY_THRESHOLD * 2)
    assert "change one or the other" not in sim._in_the_code(CELEBRITY_THRESHOLD)

"""Contract of :class:`~instagram_core.ports.ranking.EngagementModel`, run against the numpy
and ONNX adapters on the shipped model; then the training pipeline and the feature rows."""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instagram_adapters.ranking.evaluation import auc, baseline_scores
from instagram_adapters.ranking.features import CandidateFacts, ViewerHistory, feature_rows
from instagram_adapters.ranking.model import (
    SHIPPED_ONNX,
    SHIPPED_WEIGHTS,
    NumpyEngagementModel,
    OnnxEngagementModel,
    load_engagement_model,
)
from instagram_adapters.ranking.network import TrainingPlan, fit
from instagram_adapters.ranking.simulator import simulate
from instagram_core.domain.ranking import FEATURES, HEADS, CandidateColumns, HeadWeights
from instagram_core.ports.ranking import EngagementModel

ModelFactory = Callable[[HeadWeights], EngagementModel]
Rows = npt.NDArray[np.float32]
Scores = npt.NDArray[np.float64]
HELD_OUT_SEED = 2024  # the shipped model was trained on seed 7's world


def numpy_model(weights: HeadWeights) -> NumpyEngagementModel:
    return NumpyEngagementModel(SHIPPED_WEIGHTS, weights)


def onnx_model(weights: HeadWeights) -> OnnxEngagementModel:
    pytest.importorskip("onnxruntime", reason="onnxruntime (the ranking extra) is not installed")
    return OnnxEngagementModel(SHIPPED_ONNX, weights)


@pytest.fixture(params=[pytest.param(numpy_model, id="numpy"), pytest.param(onnx_model, id="onnx")])
def make_model(request: pytest.FixtureRequest) -> ModelFactory:
    factory: ModelFactory = request.param
    return factory


def one_hot(head: str) -> HeadWeights:
    return HeadWeights(**{name: float(name == head) for name in HEADS})


def scores(model: EngagementModel, rows: Rows) -> Scores:
    """Through the port, which takes plain sequences of rows."""
    return np.array(list(model.predict(rows.tolist())), dtype=np.float64)


def random_rows(count: int, seed: int = 0) -> Rows:
    """Rows spread over (and past) every feature's realistic range."""
    rng = np.random.default_rng(seed)
    highs = np.array([300, 30, 200, 15, 12, 10, 1, 10, 18, 1, 30, 1], dtype=np.float64)
    rows = rng.uniform(0.0, 1.0, (count, len(FEATURES))) * highs
    binary = [FEATURES.index(name) for name in ("is_video", "seen", "has_location")]
    rows[:, binary] = np.round(rows[:, binary])
    return rows.astype(np.float32)


def test_one_score_per_row(make_model: ModelFactory) -> None:
    predicted = make_model(HeadWeights()).predict(random_rows(7).tolist())
    assert len(predicted) == 7
    assert all(isinstance(score, float) for score in predicted)


def test_empty_input_gives_empty_output(make_model: ModelFactory) -> None:
    model = make_model(HeadWeights())
    assert list(model.predict([])) == []
    assert list(model.predict(())) == []


def test_scores_lie_between_zero_and_the_sum_of_the_weights(make_model: ModelFactory) -> None:
    weights = HeadWeights()
    predicted = scores(make_model(weights), random_rows(2000))
    assert predicted.min() >= 0.0
    assert predicted.max() <= sum(weights.as_tuple())


@pytest.mark.parametrize("rows", [[[0.0] * (len(FEATURES) - 1)], [[]], [0.0] * len(FEATURES)])
def test_rows_of_the_wrong_shape_are_rejected(
    make_model: ModelFactory, rows: list[list[float]]
) -> None:
    with pytest.raises(ValueError, match="12 features"):
        make_model(HeadWeights()).predict(rows)


def test_the_score_is_the_weighted_sum_of_the_heads(make_model: ModelFactory) -> None:
    rows = random_rows(300, seed=1)
    heads = np.column_stack([scores(make_model(one_hot(head)), rows) for head in HEADS])
    assert ((heads >= 0.0) & (heads <= 1.0)).all()
    weights = HeadWeights(like=0.5, comment=3.0, save=0.0, share=7.0, long_view=1.0)
    expected = heads @ np.array(weights.as_tuple())
    np.testing.assert_allclose(scores(make_model(weights), rows), expected, atol=1e-9)
    zero = HeadWeights(**dict.fromkeys(HEADS, 0.0))
    assert scores(make_model(zero), rows).tolist() == [0.0] * len(rows)


def test_the_shipped_model_beats_the_baselines_on_unseen_data(make_model: ModelFactory) -> None:
    log = simulate(seed=HELD_OUT_SEED, impressions=20_000)
    baselines = baseline_scores(log.features)
    for index, head in enumerate(HEADS):
        labels = log.labels[:, index]
        model = auc(scores(make_model(one_hot(head)), log.features), labels)
        best_baseline = max(auc(scores, labels) for scores in baselines.values())
        assert model > best_baseline + 0.03, head


# The numpy model is the fallback for the ONNX one: same scores, to 1e-5.


def test_numpy_and_onnx_agree() -> None:
    onnx = onnx_model(HeadWeights())
    numpy = numpy_model(HeadWeights())
    for rows in (random_rows(5000, seed=2), simulate(seed=5, impressions=5000).features):
        assert np.abs(onnx.heads(rows) - numpy.heads(rows)).max() < 1e-5
        np.testing.assert_allclose(scores(numpy, rows), scores(onnx, rows), rtol=0, atol=1e-5)


def test_both_models_take_arrays_as_well_as_lists() -> None:
    rows = random_rows(20, seed=4)
    for model in (numpy_model(HeadWeights()), onnx_model(HeadWeights())):
        assert model.predict(rows) == model.predict(rows.tolist())
        assert model.predict(np.empty((0, len(FEATURES)), dtype=np.float32)) == []


def test_loading_prefers_onnx_and_falls_back_to_numpy() -> None:
    rows = random_rows(50, seed=3)
    loaded = load_engagement_model(HeadWeights())
    has_onnxruntime = importlib.util.find_spec("onnxruntime") is not None
    assert isinstance(loaded, OnnxEngagementModel if has_onnxruntime else NumpyEngagementModel)
    reference = numpy_model(HeadWeights())
    np.testing.assert_allclose(scores(loaded, rows), scores(reference, rows), rtol=0, atol=1e-5)


def test_a_model_for_other_features_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.npz"
    with np.load(SHIPPED_WEIGHTS) as shipped:
        arrays = {name: shipped[name] for name in shipped.files}
    arrays["features"] = arrays["features"][::-1]
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match="other features"):
        NumpyEngagementModel(path, HeadWeights())


# Training.


def test_the_same_seed_trains_the_same_weights() -> None:
    plan = TrainingPlan(epochs=2)
    log = simulate(seed=3, impressions=3000)
    first, second = (fit(log.features, log.labels, seed=3, plan=plan) for _ in range(2))
    other = fit(log.features, log.labels, seed=4, plan=plan)
    for name in ("w1", "b1", "w2", "b2"):
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name))
    assert not np.array_equal(first.w1, other.w1)


def test_training_writes_the_same_small_files_twice(tmp_path: Path) -> None:
    pytest.importorskip("onnx", reason="training needs the onnx package")
    from instagram_adapters.ranking.train import train_ranker

    plan = TrainingPlan(epochs=1)
    for run in ("a", "b"):
        train_ranker(3, tmp_path / run, 4000, docs_path=tmp_path / run / "ranking.md", plan=plan)
    for name in ("ranker.onnx", "ranker.npz", "metadata.json", "ranking.md"):
        first, second = (tmp_path / run / name for run in ("a", "b"))
        assert first.read_bytes() == second.read_bytes(), name
        assert first.stat().st_size < 100_000
    assert "| like |" in (tmp_path / "a" / "ranking.md").read_text()


# The features served are the features trained on.


def test_feature_rows_follow_the_definitions() -> None:
    viewer = ViewerHistory({"ann": 2.5}, {"#dog": 1.0, "#cat": 3.0}, frozenset({11}))
    fresh = CandidateFacts(10, "ann", 0.1, 3, 0, True, 1, 99, ("#dog", "#cat", "#x"), True)
    old = CandidateFacts(11, "bob", 24.0, 23, 4, False, 3, 0, (), False)
    rows = feature_rows(viewer, [fresh, old])
    expected = [
        [2.5, 4 / 3, 0.1, np.log1p(3), 0.0, np.log1p(3), 1, 1, np.log1p(99), 0, 3, 1],
        [0.0, 0.0, 24.0, np.log1p(23), np.log1p(4), np.log1p(23 / 24), 0, 3, 0.0, 1, 0, 0],
    ]
    assert rows.shape == (2, len(FEATURES))
    np.testing.assert_allclose(rows, np.array(expected, dtype=np.float32), rtol=1e-6)


def test_no_candidates_give_no_rows() -> None:
    assert feature_rows(ViewerHistory({}, {}), []).shape == (0, len(FEATURES))


def _reference_row(viewer: ViewerHistory, c: CandidateFacts) -> list[float]:
    """One candidate's features by the definitions, in plain Python."""
    age = max(c.age_hours, 0.0)
    tags = [viewer.tag_affinity.get(t, 0.0) for t in c.hashtags]
    return [
        viewer.author_affinity.get(c.author_id, 0.0),
        sum(tags) / len(tags) if tags else 0.0,
        age,
        math.log1p(c.likes),
        math.log1p(c.comments),
        math.log1p(c.likes / max(age, 1.0)),
        float(c.is_video),
        float(c.media_count),
        math.log1p(c.author_followers),
        float(c.post_id in viewer.seen),
        float(len(c.hashtags)),
        float(c.has_location),
    ]


_tags = st.lists(st.sampled_from(["#a", "#b", "#c"]), max_size=3).map(tuple)
_facts = st.builds(
    CandidateFacts,
    post_id=st.integers(0, 5),
    author_id=st.sampled_from(["ann", "bob"]),
    age_hours=st.floats(-2.0, 500.0),
    likes=st.integers(0, 10**6),
    comments=st.integers(0, 10**4),
    is_video=st.booleans(),
    media_count=st.integers(1, 10),
    author_followers=st.integers(0, 10**7),
    hashtags=_tags,
    has_location=st.booleans(),
)
_histories = st.builds(
    ViewerHistory,
    st.dictionaries(st.sampled_from(["ann", "bob"]), st.floats(0.0, 10.0)),
    st.dictionaries(st.sampled_from(["#a", "#b"]), st.floats(0.0, 10.0)),
    st.frozensets(st.integers(0, 5)),
)


@settings(max_examples=200, deadline=None)
@given(viewer=_histories, facts=st.lists(_facts, max_size=6))
def test_columns_give_the_rows_of_the_definitions(
    viewer: ViewerHistory, facts: list[CandidateFacts]
) -> None:
    """Serving passes the facts as columns; tests and tools pass them one by one. Both give
    the rows the definitions give, including for a viewer with no tag affinity or no seen
    posts (columns the features fill without a per-candidate pass)."""
    columns = CandidateColumns.of(facts)
    expected = np.array([_reference_row(viewer, c) for c in facts], dtype=np.float32)
    expected = expected.reshape(len(facts), len(FEATURES))
    np.testing.assert_allclose(feature_rows(viewer, columns), expected, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(feature_rows(viewer, columns), feature_rows(viewer, facts))
    assert len(columns) == len(facts)


def test_a_model_scores_columns_as_it_scores_facts(make_model: ModelFactory) -> None:
    model = make_model(HeadWeights())
    viewer = ViewerHistory({"ann": 2.5}, {"#dog": 1.0}, frozenset({11}))
    facts = [
        CandidateFacts(10, "ann", 0.1, 3, 0, True, 1, 99, ("#dog", "#cat"), True),
        CandidateFacts(11, "bob", 24.0, 23, 4, False, 3, 0, (), False),
    ]
    assert list(model.score(viewer, CandidateColumns.of(facts))) == list(model.score(viewer, facts))
    assert list(model.score(viewer, CandidateColumns.of([]))) == []

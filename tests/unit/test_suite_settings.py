"""The suite's own settings that keep it passing on a loaded machine (see tests/conftest.py)."""

from __future__ import annotations

from hypothesis import HealthCheck, settings


def test_hypothesis_runs_without_a_wall_clock_deadline() -> None:
    """Per-test ``@settings(...)`` inherit the suite's profile, so a property test against
    a real engine is never failed by the machine's load, only by pytest-timeout."""
    assert settings.default.deadline is None
    assert settings(max_examples=5).deadline is None
    assert HealthCheck.too_slow in settings.default.suppress_health_check

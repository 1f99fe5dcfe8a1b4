"""The CI guard: with ``INSTAGRAM_REQUIRE_ENGINES=1`` a skipped test fails the run."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
SUITE = """
import pytest

def test_runs():
    pass

@pytest.mark.xfail(reason="a known bug, written down")
def test_known_bug():
    raise AssertionError

def test_needs_something():
    pytest.skip("something is missing")
"""


@pytest.fixture
def run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makepyfile(test_sample=SUITE)
    return pytester


def test_a_skip_fails_the_run_in_ci(run: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSTAGRAM_REQUIRE_ENGINES", "1")
    result = run.runpytest_subprocess("-p", "tests.no_skips")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(passed=1, xfailed=1, skipped=1)
    result.stdout.fnmatch_lines(["*forbids skips; 1 skipped:*", "*test_needs_something*missing*"])


def test_xfail_alone_passes_in_ci(run: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSTAGRAM_REQUIRE_ENGINES", "1")
    result = run.runpytest_subprocess("-p", "tests.no_skips", "-k", "not needs_something")
    assert result.ret == pytest.ExitCode.OK


def test_a_skip_is_only_reported_outside_ci(
    run: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INSTAGRAM_REQUIRE_ENGINES", raising=False)
    result = run.runpytest_subprocess("-p", "tests.no_skips")
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(passed=1, xfailed=1, skipped=1)

"""The suite's own settings that keep it passing on a loaded machine (see tests/conftest.py)."""

from __future__ import annotations

import ast
from pathlib import Path

from hypothesis import HealthCheck, settings

from instagram_core.testing.hypothesis_settings import CONTRACT_HEALTH_CHECKS

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "tests", ROOT / "src" / "instagram_core" / "testing"]
NAMED_LISTS = {"CONTRACT_HEALTH_CHECKS": CONTRACT_HEALTH_CHECKS}


def test_hypothesis_runs_without_a_wall_clock_deadline() -> None:
    """Per-test ``@settings(...)`` inherit the suite's profile, so a property test against
    a real engine is never failed by the machine's load, only by pytest-timeout."""
    assert settings.default.deadline is None
    assert settings(max_examples=5).deadline is None
    assert HealthCheck.too_slow in settings.default.suppress_health_check


def test_a_per_test_list_of_health_checks_replaces_the_profiles() -> None:
    """Why the next test exists: Hypothesis does not merge the lists."""
    own = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
    assert HealthCheck.too_slow not in own.suppress_health_check


def _suppresses_too_slow(value: ast.expr) -> bool:
    if isinstance(value, ast.Call) and ast.unparse(value) == "list(HealthCheck)":
        return True
    if isinstance(value, ast.Name):  # a shared list, by name
        return HealthCheck.too_slow in NAMED_LISTS.get(value.id, ())
    if not isinstance(value, ast.List | ast.Tuple):
        return False
    for item in value.elts:
        if isinstance(item, ast.Attribute) and item.attr == "too_slow":
            return True
        named = isinstance(item, ast.Starred) and isinstance(item.value, ast.Name)
        if named and HealthCheck.too_slow in NAMED_LISTS.get(item.value.id, ()):  # type: ignore[attr-defined]
            return True
    return False


def test_every_own_list_of_health_checks_keeps_too_slow_suppressed() -> None:
    """A test that sets ``suppress_health_check`` drops the profile's ``too_slow`` unless it
    names it again; every such list in the suite and the contract suites must."""
    found, missing = 0, []
    for source in SOURCES:
        for path in sorted(set(source.rglob("*.py")) - {Path(__file__).resolve()}):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if not isinstance(node, ast.Call):
                    continue
                for keyword in node.keywords:
                    if keyword.arg == "suppress_health_check":
                        found += 1
                        if not _suppresses_too_slow(keyword.value):
                            missing.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found >= 30  # the scan sees the lists it is meant to
    assert missing == []


def _timeout(mark: ast.expr) -> float | None:
    """The seconds of a ``pytest.mark.timeout(n)`` expression, or ``None``."""
    is_timeout = isinstance(mark, ast.Call) and ast.unparse(mark.func) == "pytest.mark.timeout"
    if is_timeout and mark.args and isinstance(mark.args[0], ast.Constant):  # type: ignore[attr-defined]
        return float(mark.args[0].value)  # type: ignore[attr-defined]
    return None


def test_every_test_of_hundreds_of_trials_has_a_generous_timeout_of_its_own() -> None:
    """The suite's default timeout (120 s) fits one request's test, not 200 trials of real
    concurrent requests on a loaded machine: such a test sets at least 600 s itself."""
    checked, short = 0, []
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        module = ast.parse(path.read_text(), str(path))
        trials = [
            node.value.value
            for node in module.body
            if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "TRIALS" for t in node.targets)
            and isinstance(node.value, ast.Constant)
        ]
        if not trials or trials[0] < 100:
            continue
        module_marks = [
            _timeout(node.value)
            for node in module.body
            if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets)
        ]
        for node in module.body:
            if not isinstance(node, ast.FunctionDef) or not node.name.startswith("test_"):
                continue
            if not any(isinstance(n, ast.Name) and n.id == "TRIALS" for n in ast.walk(node)):
                continue
            checked += 1
            own = [_timeout(d) for d in node.decorator_list]
            seconds = next((s for s in [*own, *module_marks] if s is not None), None)
            if seconds is None or seconds < 600:
                short.append(f"{path.relative_to(ROOT)}::{node.name}")
    assert checked >= 5  # the graph races and the single-use upload races
    assert short == []

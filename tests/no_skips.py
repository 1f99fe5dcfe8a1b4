"""A pytest plugin that fails the run when any test was skipped, in CI.

With ``INSTAGRAM_REQUIRE_ENGINES=1`` (set by ``.ci/run``) every engine, extra and test photo is
there, so a skip can only mean a test that silently stopped testing: the run ends with exit
status 1 and lists the skipped tests. An expected failure (``xfail``, whose reason is in the
code) is not a skip. Without the variable, skips are reported as usual (``-ra``).
"""

from __future__ import annotations

import os

import pytest

ENV = "INSTAGRAM_REQUIRE_ENGINES"


class NoSkips:
    def __init__(self) -> None:
        self.skipped: list[str] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.skipped and not hasattr(report, "wasxfail"):
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
            self.skipped.append(f"{report.nodeid}: {reason}")

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.skipped and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.skipped:
            terminalreporter.section("skipped tests fail this run", red=True)
            terminalreporter.line(f"{ENV}=1 forbids skips; {len(self.skipped)} skipped:")
            for line in self.skipped:
                terminalreporter.line(f"  {line}")


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get(ENV) == "1":
        config.pluginmanager.register(NoSkips(), "instagram-no-skips")

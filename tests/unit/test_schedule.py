"""The timer that runs housekeeping inside ``serve``. Runs are awaited through events, never
timed: what matters is that a job runs, runs again, survives its own failure and stops."""

from __future__ import annotations

import logging
import threading

import pytest

from instagram_entrypoints.schedule import Periodic, explore_builds, upload_sweeps

PATIENCE = 60.0  # seconds to wait for a run on a loaded machine; a pass takes milliseconds


def test_a_job_runs_at_start_and_again_until_stopped() -> None:
    runs: list[int] = []
    third = threading.Event()

    def job() -> None:
        runs.append(1)
        if len(runs) == 3:
            third.set()

    periodic = Periodic("test-job", job, poll=0.001)
    periodic.start()
    assert third.wait(PATIENCE)
    periodic.stop()
    assert not periodic.running
    after_stop = len(runs)
    assert after_stop >= 3
    periodic.stop()  # stopping twice is harmless
    assert len(runs) == after_stop


def test_a_failing_run_is_logged_and_the_next_one_tries_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    attempts: list[int] = []
    recovered = threading.Event()

    def job() -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("store down")
        recovered.set()

    periodic = Periodic("flaky-job", job, poll=0.001)
    with caplog.at_level(logging.WARNING, logger="instagram.schedule"):
        periodic.start()
        assert recovered.wait(PATIENCE)
        periodic.stop()
    assert any("flaky-job failed" in r.getMessage() for r in caplog.records)


def test_upload_sweeps_are_off_at_zero_and_ask_at_least_once_a_minute() -> None:
    assert upload_sweeps(lambda: None, 0) is None
    assert upload_sweeps(lambda: None, 3600) is not None
    with pytest.raises(ValueError, match="positive"):
        Periodic("never", lambda: None, poll=0)


def test_explore_builds_are_off_at_zero_and_ask_at_least_once_a_minute() -> None:
    assert explore_builds(lambda: None, 0) is None
    assert explore_builds(lambda: None, 300) is not None

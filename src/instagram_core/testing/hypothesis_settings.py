"""The health checks every contract's property tests leave out, and why."""

from __future__ import annotations

from hypothesis import HealthCheck

# function_scoped_fixture: the tests take a factory fixture and build a fresh adapter per
# example themselves. differing_executors: one contract method runs on each adapter's test
# class; its strategies do not depend on the instance, so an example found on one adapter
# replays on the others, which is what a contract wants. too_slow: a per-test list replaces
# the suite profile's instead of adding to it, so it must name too_slow again, or data
# generation on a loaded machine would fail a contract run against a real engine.
CONTRACT_HEALTH_CHECKS = (
    HealthCheck.function_scoped_fixture,
    HealthCheck.differing_executors,
    HealthCheck.too_slow,
)

"""Run actions at the same moment on real threads, for tests of races (the contract suites
of :mod:`instagram_core.testing` use the same helper)."""

from instagram_core.testing.races import race

__all__ = ["race"]

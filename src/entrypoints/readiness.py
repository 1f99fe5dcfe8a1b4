"""Readiness: ask each dependency a cheap question and report what it answers."""

from __future__ import annotations

from collections.abc import Callable

from entrypoints.containers import Application


def _check(probe: Callable[[], object]) -> str:
    try:
        probe()
    except Exception as exc:  # a probe reports any failure, it never raises
        return f"error: {exc}"
    return "ok"


def check_dependencies(container: Application) -> dict[str, str]:
    adapters = container.adapters
    return {
        "database": _check(lambda: adapters.users().get("readiness-probe")),
        "blob_store": _check(lambda: adapters.blobs().info("readiness-probe/none")),
        "feed_cache": _check(lambda: adapters.feeds().page("readiness-probe", None, 1)),
    }

"""Readiness: ask each dependency a cheap question and report what it answers."""

from __future__ import annotations

from collections.abc import Callable

from instagram_entrypoints.containers import Application


def _check(probe: Callable[[], object]) -> str:
    try:
        probe()
    except Exception as exc:  # a probe reports any failure, it never raises
        return f"error: {exc}"
    return "ok"


def check_dependencies(container: Application) -> dict[str, str]:
    """One cheap call per store the profile uses: ``"ok"`` or the error it gave."""
    adapters = container.adapters
    return {
        "database": _check(lambda: adapters.users().get("readiness-probe")),
        "social_graph": _check(lambda: adapters.graph().count_followers("readiness-probe")),
        "posts": _check(lambda: adapters.posts().get(0)),
        "blob_store": _check(lambda: adapters.blobs().ping()),
        "feed_cache": _check(lambda: adapters.feeds().page("readiness-probe", None, 1)),
        "engagement": _check(lambda: adapters.engagement().like_counts([0])),
    }

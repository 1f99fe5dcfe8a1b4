"""Run actions at the same moment on real threads, for the contract suites' tests of races."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def race(*actions: Callable[[], Any]) -> list[Any]:
    """Start every action on its own thread behind one barrier, so they contend as
    concurrent requests do; return their results in order, or raise the first error."""
    start = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)
    errors: list[BaseException] = []

    def run(index: int, action: Callable[[], Any]) -> None:
        start.wait()
        try:
            results[index] = action()
        except BaseException as exc:  # re-raised in the caller's thread below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results

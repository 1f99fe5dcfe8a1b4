"""What is left when a benchmark misses its goal: a cProfile top-N by cumulative time.

Issue 17's "done when": a feed benchmark prints each row with its goal met or, for any
not met, the profile that shows what is left. :func:`top_cumulative` runs a call under
cProfile a few times and returns the heaviest functions by cumulative time as short lines
(per call, so they read beside the row's milliseconds): the caller prints them under the
row that missed.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
from collections.abc import Callable

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOP = 14


def top_cumulative(call: Callable[[], object], calls: int = 20, top: int = TOP) -> str:
    """The ``top`` functions by cumulative time over ``calls`` calls of ``call`` (after one
    untimed call), in ms per call, with the share of the whole. cProfile slows pure Python
    more than C, so the shares, not the absolute figures, are what to read."""
    call()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        call()
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    entries = stats.stats  # type: ignore[attr-defined]
    total = max((ct for (_cc, _nc, _tt, ct, _callers) in entries.values()), default=0.0)
    ranked = sorted(entries.items(), key=lambda item: item[1][3], reverse=True)
    lines = [f"    {'cum ms/call':>11} {'share':>6} {'calls/call':>10}  function"]
    for (path, line, name), (_cc, ncalls, _tt, cumulative, _callers) in ranked[:top]:
        lines.append(
            f"    {cumulative / calls * 1000:>11.3f} {cumulative / total:>6.0%} "
            f"{ncalls / calls:>10.1f}  {_where(path, line, name)}"
        )
    return "\n".join(lines)


def _where(path: str, line: int, name: str) -> str:
    """``module/path.py:line(name)`` relative to the checkout or site-packages."""
    if path == "~":  # a built-in
        return name
    for marker in (os.sep + "site-packages" + os.sep, ROOT + os.sep):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{path}:{line}({name})"

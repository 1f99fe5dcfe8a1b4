"""Run every ``benchmarks/bench_*.py`` in turn, each in its own interpreter.

Benchmarks print figures and never assert: the exit status is non-zero only when a script
crashes. The photos they work on are the test photos, in ``tests/data/photos``.

Run: ``python benchmarks/run_all.py [NAME ...]`` (the nox session ``bench`` calls it, passing
its arguments on); names pick scripts by substring, e.g. ``run_all.py feed``.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> int:
    scripts = [
        script
        for script in sorted(HERE.glob("bench_*.py"))
        if not names or any(name in script.name for name in names)
    ]
    failed = []
    started = time.perf_counter()
    for script in scripts:
        print(f"=== {script.name}", flush=True)
        began = time.perf_counter()
        code = subprocess.call([sys.executable, str(script)])
        print(f"--- {script.name}: {time.perf_counter() - began:.1f} s", flush=True)
        print()
        if code != 0:
            failed.append(f"{script.name} (exit {code})")
    print(f"ran {len(scripts)} benchmarks in {time.perf_counter() - started:.1f} s", end="")
    print(f"; failed: {', '.join(failed)}" if failed else "")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

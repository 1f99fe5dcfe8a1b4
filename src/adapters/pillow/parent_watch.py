"""Pool children that exit when their parent dies, however it dies.

A ``kill -9`` of a service gives its process-pool children no signal: they would sit
orphaned, holding memory. ``PR_SET_PDEATHSIG`` is not used: it fires when the *thread*
that spawned the child ends, and pools spawn from whichever thread submitted first. A
daemon thread in the child watches its parent id instead and exits the child once the
parent is gone (re-parented to init or a subreaper).
"""

from __future__ import annotations

import os
import threading

CHECK_SECONDS = 0.5


def exit_with_parent(parent_pid: int, check_seconds: float = CHECK_SECONDS) -> None:
    """Start the watch in this (child) process; exits at once if the parent already died."""
    if os.getppid() != parent_pid:
        os._exit(1)

    def watch() -> None:
        while True:
            threading.Event().wait(check_seconds)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()

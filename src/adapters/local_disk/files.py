"""Atomic, durable file writes: an acknowledged write survives a crash or power loss.

Bytes go to a temporary file in a staging directory on the same file system, are flushed
and fsynced, then renamed over the target with ``os.replace`` (atomic: a reader sees the old
or the new file, never a mix) and the target's directory is fsynced so the rename itself is
durable. Directories created on the way are made durable the same way.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from instagram_core.domain.errors import PayloadTooLarge

_INSTALL_ATTEMPTS = 3


def fsync_dir(directory: Path) -> None:
    """Persist a directory's entries (a rename, a new file); a no-op where unsupported."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_dirs(directory: Path) -> None:
    """``mkdir -p`` that also fsyncs the parent of every directory it creates."""
    missing: list[Path] = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for created in reversed(missing):
        with contextlib.suppress(FileExistsError):
            created.mkdir()
        fsync_dir(created.parent)


def stage(chunks: Iterable[bytes], staging: Path, max_bytes: int | None) -> tuple[Path, int]:
    """Write ``chunks`` to a new fsynced temporary file; returns it and its size.

    Raises ``PayloadTooLarge`` as soon as more than ``max_bytes`` arrive, after removing
    the temporary file, so a refused upload leaves nothing behind.
    """
    fd, name = tempfile.mkstemp(dir=staging, prefix="stage-")
    path, size = Path(name), 0
    try:
        with os.fdopen(fd, "wb") as file:
            for chunk in chunks:
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise PayloadTooLarge(f"the upload exceeds the limit of {max_bytes} bytes")
                file.write(chunk)
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, size


def install(staged: Path, target: Path) -> None:
    """Atomically move ``staged`` to ``target``, creating its directories, durably.

    Retries when a concurrent prefix delete removes a freshly created directory between
    ``make_dirs`` and the rename.
    """
    for attempt in range(_INSTALL_ATTEMPTS):
        make_dirs(target.parent)
        try:
            os.replace(staged, target)
        except FileNotFoundError:
            if attempt + 1 == _INSTALL_ATTEMPTS:
                raise
            continue
        fsync_dir(target.parent)
        return


def install_new(staged: Path, target: Path) -> None:
    """Like :func:`install`, but never replaces: raises ``FileExistsError`` if ``target``
    exists. A hard link is atomic and exclusive, so of concurrent installs of one target
    exactly one succeeds; ``staged`` stays for the caller to remove."""
    for attempt in range(_INSTALL_ATTEMPTS):
        make_dirs(target.parent)
        try:
            os.link(staged, target)
        except FileNotFoundError:
            if attempt + 1 == _INSTALL_ATTEMPTS:
                raise
            continue
        fsync_dir(target.parent)
        return


def prune_empty_dirs(directory: Path, stop: Path) -> None:
    """Remove ``directory`` and its ancestors below ``stop`` while they are empty."""
    while directory != stop and stop in directory.parents:
        try:
            directory.rmdir()
        except OSError:  # not empty (a concurrent write) or already gone
            return
        directory = directory.parent

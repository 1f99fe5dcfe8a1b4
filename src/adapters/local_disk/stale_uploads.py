"""What the upload sweeper finds in a local-disk store's staging directory: multipart uploads
never completed nor aborted (``<staging>/uploads/<id>/``), temporary files of writes a
crash interrupted (``<staging>/stage-*``) and upload directories a crash left without their
manifest. See :class:`~instagram_core.ports.abandoned_uploads.StaleUploads`.

An upload's start time is in its manifest, from the store's clock; a manifest written before
it was recorded counts from the manifest file's modification time. Scraps have no record of
their own, so their age is their modification time."""

from __future__ import annotations

import json
import os
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

from instagram_core.ports.abandoned_uploads import PendingUpload

MANIFEST = "upload.json"
_UPLOAD_DIR = re.compile(r"[0-9a-f]{32}")
_SCRAP = re.compile(r"stage-.*")


def manifest_started_at(now: datetime) -> str:
    """How a manifest records its upload's start."""
    return now.astimezone(UTC).isoformat()


class StaleLocalUploads:
    """The :class:`~instagram_core.ports.abandoned_uploads.StaleUploads` methods of
    :class:`instagram_adapters.local_disk.multipart.LocalDiskMultipartUploads`, over its upload
    directories ``_uploads`` inside the store's staging directory ``_staging``."""

    _uploads: Path
    _staging: Path

    def pending_uploads(self, started_before: datetime) -> list[PendingUpload]:
        pending = []
        for directory in self._upload_dirs():
            found = _read_manifest(directory)
            if found is not None and found.started_at < started_before:
                pending.append(found)
        return sorted(pending, key=lambda p: (p.started_at, p.upload_id))

    def purge_scraps(self, older_than: datetime) -> int:
        removed = 0
        cutoff = older_than.timestamp()
        for entry in os.scandir(self._staging):
            if entry.is_file(follow_symlinks=False) and _SCRAP.fullmatch(entry.name):
                removed += _remove_if_older(Path(entry.path), cutoff)
        for directory in self._upload_dirs():
            if not (directory / MANIFEST).exists():  # a crash between mkdir and manifest
                removed += _remove_if_older(directory, cutoff)
        return removed

    def _upload_dirs(self) -> list[Path]:
        return [
            Path(entry.path)
            for entry in os.scandir(self._uploads)
            if entry.is_dir(follow_symlinks=False) and _UPLOAD_DIR.fullmatch(entry.name)
        ]


def _read_manifest(directory: Path) -> PendingUpload | None:
    """The upload a directory holds; ``None`` without a readable manifest (a scrap) or when
    it vanished meanwhile (completed or aborted)."""
    path = directory / MANIFEST
    try:
        manifest = json.loads(path.read_bytes())
        recorded = manifest.get("started_at")
        started = (
            datetime.fromisoformat(recorded)
            if isinstance(recorded, str)
            else datetime.fromtimestamp(path.stat().st_mtime, UTC)
        )
        return PendingUpload(str(manifest["key"]), directory.name, started)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _remove_if_older(path: Path, cutoff: float) -> int:
    try:
        if path.stat().st_mtime >= cutoff:
            return 0
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    except FileNotFoundError:  # installed, completed or removed meanwhile
        return 0
    return 1

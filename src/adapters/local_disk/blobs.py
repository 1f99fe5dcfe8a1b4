"""A blob store on the local file system, for the embedded profile and for tests.

Objects live at ``root/<key>``, so the tree mirrors the seed's bucket layout and can be
served or backed up as plain files. Each object's content type is kept in a JSON sidecar at
``root/.meta/<key>.json``; staging files live in ``root/.tmp``. Every write is atomic and
durable (see :mod:`instagram_adapters.local_disk.files`).

Presigned URLs point at our own HTTP edge (``base_url``), which checks them with
:meth:`LocalDiskBlobStore.verify_upload` / :meth:`~LocalDiskBlobStore.verify_download`
before streaming with :meth:`~LocalDiskBlobStore.put_stream` / :meth:`~LocalDiskBlobStore.path_for`.
"""

from __future__ import annotations

import json
import mimetypes
import os
from collections.abc import Iterable
from pathlib import Path

from instagram_adapters.local_disk import files
from instagram_adapters.local_disk.keys import (
    validate_content_type,
    validate_key,
    validate_prefix,
)
from instagram_adapters.local_disk.signing import BlobUrls, SignedUrlBlobs
from instagram_core.domain.errors import Conflict, NotFound
from instagram_core.ports.blobs import BlobInfo
from instagram_core.ports.clock import Clock

_META, _STAGING = ".meta", ".tmp"
_FALLBACK_TYPE = "application/octet-stream"


class LocalDiskBlobStore(SignedUrlBlobs):
    """:class:`~instagram_core.ports.blobs.BlobStore` on a local directory.

    Download URLs expire at the end of a ``url_bucket_seconds`` window (the first window
    boundary at least ``expires_in`` from now) rather than exactly ``expires_in`` from now,
    so the same object keeps the same URL for a while and browser and CDN caches hit.

    Keys are paths: one key cannot be a directory of another (``a/b`` and ``a/b/c``),
    which raises ``Conflict``; the seed's layout never does this.
    """

    def __init__(
        self,
        root: Path,
        secret: bytes,
        clock: Clock,
        base_url: str = "/blobs",
        url_bucket_seconds: int = 3600,
    ) -> None:
        self._root = Path(root).resolve()
        self._urls = BlobUrls(secret, clock, base_url, url_bucket_seconds)
        self._staging = self._root / _STAGING
        files.make_dirs(self._staging)

    @property
    def staging(self) -> Path:
        """The hidden directory for files not yet installed (on the same file system as
        the objects, so a rename installs them); multipart uploads keep their parts here."""
        return self._staging

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self._store(key, [data], content_type, None)

    def put_stream(
        self, key: str, chunks: Iterable[bytes], content_type: str, max_bytes: int
    ) -> int:
        """Store a streamed upload atomically; returns its size. Raises ``PayloadTooLarge``
        once more than ``max_bytes`` arrive, leaving no file, sidecar or directory behind."""
        return self._store(key, chunks, content_type, max_bytes)

    def get(self, key: str) -> bytes:
        try:
            return self._data_path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise NotFound(f"no blob {key!r}") from None

    def read_head(self, key: str, length: int) -> bytes:
        try:
            with self._data_path(key).open("rb") as handle:
                return handle.read(max(length, 0))
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise NotFound(f"no blob {key!r}") from None

    def info(self, key: str) -> BlobInfo | None:
        path = self._data_path(key)
        try:
            size = path.stat().st_size if path.is_file() else None
        except FileNotFoundError:  # deleted between the two calls
            size = None
        return None if size is None else BlobInfo(size=size, content_type=self._content_type(key))

    def ping(self) -> None:
        """Files on this machine: nothing to reach (see the port)."""

    def path_for(self, key: str) -> Path:
        """The stored file, for streaming it; raises ``NotFound`` if there is no such key."""
        path = self._data_path(key)
        if not path.is_file():
            raise NotFound(f"no blob {key!r}")
        return path

    def delete_prefix(self, prefix: str) -> int:
        validate_prefix(prefix)
        count = 0
        data_dir, meta_dir = self._root / prefix, self._root / _META / prefix
        for directory, _, names in os.walk(data_dir, topdown=False):
            for name in names:
                path = Path(directory, name)
                try:
                    path.unlink()
                except FileNotFoundError:  # a concurrent delete got there first
                    continue
                sidecar = self._root / _META / f"{path.relative_to(self._root).as_posix()}.json"
                sidecar.unlink(missing_ok=True)
                count += 1
            files.prune_empty_dirs(Path(directory), self._root)
        for directory, _, names in os.walk(meta_dir, topdown=False):  # orphaned sidecars
            for name in names:
                Path(directory, name).unlink(missing_ok=True)
            files.prune_empty_dirs(Path(directory), self._root / _META)
        return count

    def _data_path(self, key: str) -> Path:
        return self._root / validate_key(key)

    def _meta_path(self, key: str) -> Path:
        return self._root / _META / f"{validate_key(key)}.json"

    def _content_type(self, key: str) -> str:
        try:
            sidecar = json.loads(self._meta_path(key).read_bytes())
            return str(sidecar["content_type"])
        except (OSError, ValueError, KeyError, TypeError):
            return mimetypes.guess_type(key)[0] or _FALLBACK_TYPE

    def _store(
        self, key: str, chunks: Iterable[bytes], content_type: str, max_bytes: int | None
    ) -> int:
        """Stage the bytes, then install the sidecar and the data, sidecar first: a crash in
        between leaves a sidecar without data, which is invisible, never data without type."""
        target, meta = self._data_path(key), self._meta_path(key)
        sidecar = json.dumps({"content_type": validate_content_type(content_type)}).encode()
        staged, size = files.stage(chunks, self._staging, max_bytes)
        staged_meta: Path | None = None
        try:
            staged_meta, _ = files.stage([sidecar], self._staging, None)
            files.install(staged_meta, meta)
            files.install(staged, target)
        except (IsADirectoryError, NotADirectoryError, FileExistsError) as exc:
            meta.unlink(missing_ok=True)  # no object can exist at such a key
            raise Conflict(f"blob key {key!r} clashes with another key's path") from exc
        finally:
            for leftover in (staged, staged_meta):
                if leftover is not None:
                    leftover.unlink(missing_ok=True)
        return size

"""Resumable uploads for the local-disk blob store, served by our own HTTP edge.

Each upload is a directory ``<staging>/uploads/<upload_id>/`` holding ``upload.json`` (its
key and content type) and one file per part, ``<number>.<md5>.part``. A part is staged,
fsynced and renamed into place, so a stored part is whole and durable; its name carries its
ETag, so listing needs no hashing and completing opens exactly the bytes it checked. A part
sent again gets a new file, and the older file of that number is removed (the newest wins).
``complete`` streams the parts through :meth:`LocalDiskBlobStore.put_stream`, which writes a
temporary file, fsyncs it and renames it over the object.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from instagram_adapters.local_disk import files
from instagram_adapters.local_disk.blobs import LocalDiskBlobStore
from instagram_adapters.local_disk.keys import validate_content_type, validate_key
from instagram_adapters.local_disk.parts import (
    PartUrls,
    SignedPartUrls,
    check_part_number,
    check_upload_id,
    etag_of,
    new_upload_id,
    select_parts,
)
from instagram_core.domain.errors import InvalidInput, NotFound
from instagram_core.ports.clock import Clock
from instagram_core.ports.multipart import PART_SIZE, UploadedPart

_MANIFEST = "upload.json"
_PART = re.compile(r"(\d{5})\.([0-9a-f]{32})\.part")
_READ_CHUNK = 1024 * 1024


def _part_name(part_number: int, md5_hex: str) -> str:
    return f"{part_number:05d}.{md5_hex}.part"


def _hashing(chunks: Iterable[bytes], digest: hashlib._Hash) -> Iterator[bytes]:
    for chunk in chunks:
        digest.update(chunk)
        yield chunk


class LocalDiskMultipartUploads(SignedPartUrls):
    """:class:`~instagram_core.ports.multipart.MultipartUploads` beside a local-disk store.

    Part URLs point at ``base_url`` (the store's ``/blobs`` edge), which checks them with
    :meth:`verify_part` and streams the body to :meth:`put_part`, refusing more than
    ``max_part_bytes`` (the core's part size by default: it never asks for larger parts).
    """

    def __init__(
        self,
        blobs: LocalDiskBlobStore,
        secret: bytes,
        clock: Clock,
        base_url: str = "/blobs",
        max_part_bytes: int = PART_SIZE,
    ) -> None:
        self._blobs = blobs
        self._urls = PartUrls(secret, clock, base_url)
        self._uploads = blobs.staging / "uploads"
        self._max_part_bytes = max_part_bytes
        files.make_dirs(self._uploads)

    def start(self, key: str, content_type: str) -> str:
        manifest = {"key": validate_key(key), "content_type": validate_content_type(content_type)}
        upload_id = new_upload_id()
        directory = self._uploads / upload_id
        directory.mkdir()
        files.fsync_dir(self._uploads)
        staged, _ = files.stage([json.dumps(manifest).encode()], directory, None)
        files.install(staged, directory / _MANIFEST)
        return upload_id

    def put_part(
        self,
        key: str,
        upload_id: str,
        part_number: int,
        chunks: Iterable[bytes],
        max_bytes: int,
    ) -> UploadedPart:
        """Store one part durably, replacing an earlier one of that number. Raises
        ``NotFound`` for an unknown upload (also one aborted while the part streamed) and
        ``PayloadTooLarge`` past ``max_bytes``, leaving nothing behind."""
        check_part_number(part_number)
        directory, _ = self._upload(key, upload_id)
        digest = hashlib.md5(usedforsecurity=False)
        try:
            staged, size = files.stage(_hashing(chunks, digest), directory, max_bytes)
        except FileNotFoundError:
            raise NotFound(f"no multipart upload {upload_id!r}") from None
        target = directory / _part_name(part_number, digest.hexdigest())
        try:
            os.replace(staged, target)  # not files.install: it would revive an aborted upload
        except FileNotFoundError:
            staged.unlink(missing_ok=True)
            raise NotFound(f"no multipart upload {upload_id!r}") from None
        files.fsync_dir(directory)
        self._drop_older(directory, part_number, target)
        return UploadedPart(part_number, size, etag_of(digest.hexdigest()))

    def parts(self, key: str, upload_id: str) -> list[UploadedPart]:
        directory, _ = self._upload(key, upload_id)
        return [part for part, _ in self._scan(directory).values()]

    def complete(self, key: str, upload_id: str, parts: Sequence[UploadedPart]) -> None:
        directory, content_type = self._upload(key, upload_id)
        stored = self._scan(directory)
        chosen = select_parts(parts, [part for part, _ in stored.values()])
        paths = [stored[part.part_number][1] for part in chosen]
        total = sum(part.size for part in chosen)
        self._blobs.put_stream(key, self._read(paths), content_type, max_bytes=total)
        self._remove(directory)

    def abort(self, key: str, upload_id: str) -> None:
        try:
            directory, _ = self._upload(key, upload_id)
        except NotFound:
            return
        self._remove(directory)

    def _upload(self, key: str, upload_id: str) -> tuple[Path, str]:
        """The upload's directory and content type; ``NotFound`` unless it is ``key``'s."""
        validate_key(key)
        directory = self._uploads / check_upload_id(upload_id)
        try:
            manifest = json.loads((directory / _MANIFEST).read_bytes())
        except (FileNotFoundError, ValueError):
            raise NotFound(f"no multipart upload {upload_id!r}") from None
        if manifest.get("key") != key:
            raise NotFound(f"no multipart upload {upload_id!r} of {key!r}")
        return directory, str(manifest["content_type"])

    def _scan(self, directory: Path) -> dict[int, tuple[UploadedPart, Path]]:
        """The newest file of each part number, by part number."""
        newest: dict[int, tuple[int, UploadedPart, Path]] = {}
        for entry in os.scandir(directory):
            match = _PART.fullmatch(entry.name)
            if match is None:
                continue
            try:
                stat = entry.stat()
            except FileNotFoundError:  # replaced by a newer part meanwhile
                continue
            number = int(match.group(1))
            part = UploadedPart(number, stat.st_size, etag_of(match.group(2)))
            if number not in newest or stat.st_mtime_ns > newest[number][0]:
                newest[number] = (stat.st_mtime_ns, part, Path(entry.path))
        return {n: (part, path) for n, (_, part, path) in sorted(newest.items())}

    @staticmethod
    def _drop_older(directory: Path, part_number: int, kept: Path) -> None:
        """Remove the files of ``part_number`` older than ``kept``: a concurrent retry that
        finished later keeps its own file."""
        try:
            kept_mtime = kept.stat().st_mtime_ns
        except FileNotFoundError:  # aborted, or replaced by a later retry: nothing to do
            return
        prefix = f"{part_number:05d}."
        for entry in os.scandir(directory):
            if entry.name.startswith(prefix) and entry.path != str(kept):
                try:
                    if entry.stat().st_mtime_ns <= kept_mtime:
                        os.unlink(entry.path)
                except FileNotFoundError:
                    continue

    @staticmethod
    def _read(paths: Sequence[Path]) -> Iterator[bytes]:
        for path in paths:
            try:
                handle = path.open("rb")
            except FileNotFoundError:
                raise InvalidInput(
                    "a part was replaced while completing; list the parts again"
                ) from None
            with handle:
                while chunk := handle.read(_READ_CHUNK):
                    yield chunk

    def _remove(self, directory: Path) -> None:
        shutil.rmtree(directory, ignore_errors=True)
        files.fsync_dir(self._uploads)

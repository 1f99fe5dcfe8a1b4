"""Resumable uploads in memory, beside the in-memory blob store, with the local store's
signed part URLs (so the ``/blobs`` edge serves both the same way)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Sequence

import attrs

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
from instagram_core.domain.errors import NotFound, PayloadTooLarge
from instagram_core.ports.blobs import BlobStore
from instagram_core.ports.clock import Clock
from instagram_core.ports.multipart import PART_SIZE, UploadedPart


@attrs.define
class _Upload:
    key: str
    content_type: str
    parts: dict[int, tuple[UploadedPart, bytes]] = attrs.field(factory=dict)


class InMemoryMultipartUploads(SignedPartUrls):
    """:class:`~instagram_core.ports.multipart.MultipartUploads` whose completed objects go
    to ``blobs`` (any :class:`~instagram_core.ports.blobs.BlobStore`)."""

    def __init__(
        self,
        blobs: BlobStore,
        secret: bytes,
        clock: Clock,
        base_url: str = "/blobs",
        max_part_bytes: int = PART_SIZE,
    ) -> None:
        self._blobs = blobs
        self._urls = PartUrls(secret, clock, base_url)
        self._max_part_bytes = max_part_bytes
        self._uploads: dict[str, _Upload] = {}
        self._lock = threading.Lock()

    def start(self, key: str, content_type: str) -> str:
        upload = _Upload(validate_key(key), validate_content_type(content_type))
        upload_id = new_upload_id()
        with self._lock:
            self._uploads[upload_id] = upload
        return upload_id

    def put_part(
        self,
        key: str,
        upload_id: str,
        part_number: int,
        chunks: Iterable[bytes],
        max_bytes: int,
    ) -> UploadedPart:
        """Store one part, replacing an earlier one of that number; ``NotFound`` for an
        unknown upload, ``PayloadTooLarge`` past ``max_bytes``."""
        check_part_number(part_number)
        with self._lock:
            self._upload(key, upload_id)  # refuse before reading the body
        data = bytearray()
        for chunk in chunks:
            data += chunk
            if len(data) > max_bytes:
                raise PayloadTooLarge(f"the upload exceeds the limit of {max_bytes} bytes")
        md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
        part = UploadedPart(part_number, len(data), etag_of(md5))
        with self._lock:
            self._upload(key, upload_id).parts[part_number] = (part, bytes(data))
        return part

    def parts(self, key: str, upload_id: str) -> list[UploadedPart]:
        with self._lock:
            stored = self._upload(key, upload_id).parts
            return [stored[number][0] for number in sorted(stored)]

    def complete(self, key: str, upload_id: str, parts: Sequence[UploadedPart]) -> None:
        with self._lock:
            upload = self._upload(key, upload_id)
            chosen = select_parts(parts, [part for part, _ in upload.parts.values()])
            data = b"".join(upload.parts[part.part_number][1] for part in chosen)
            self._blobs.put(key, data, upload.content_type)
            del self._uploads[upload_id]

    def abort(self, key: str, upload_id: str) -> None:
        with self._lock:
            try:
                self._upload(key, upload_id)
            except NotFound:
                return
            del self._uploads[upload_id]

    def _upload(self, key: str, upload_id: str) -> _Upload:
        validate_key(key)
        upload = self._uploads.get(check_upload_id(upload_id))
        if upload is None or upload.key != key:
            raise NotFound(f"no multipart upload {upload_id!r}")
        return upload

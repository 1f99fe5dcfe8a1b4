"""A blob store in a dict, with the same presigned-URL scheme as the local-disk store."""

from __future__ import annotations

import threading

from instagram_adapters.local_disk.keys import validate_content_type, validate_key, validate_prefix
from instagram_adapters.local_disk.signing import BlobUrls, SignedUrlBlobs
from instagram_core.domain.errors import NotFound
from instagram_core.ports.blobs import BlobInfo
from instagram_core.ports.clock import Clock


class InMemoryBlobStore(SignedUrlBlobs):
    """:class:`~instagram_core.ports.blobs.BlobStore` in memory: keys are validated exactly as
    on disk, so a key the tests accept is one the real stores accept."""

    def __init__(self, secret: bytes, clock: Clock, base_url: str = "/blobs") -> None:
        self._objects: dict[str, tuple[bytes, str]] = {}
        self._lock = threading.Lock()
        self._urls = BlobUrls(secret, clock, base_url)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        validate_key(key)
        validate_content_type(content_type)
        with self._lock:
            self._objects[key] = (bytes(data), content_type)

    def get(self, key: str) -> bytes:
        validate_key(key)
        with self._lock:
            found = self._objects.get(key)
        if found is None:
            raise NotFound(f"no blob {key!r}")
        return found[0]

    def read_head(self, key: str, length: int) -> bytes:
        return self.get(key)[: max(length, 0)]

    def info(self, key: str) -> BlobInfo | None:
        validate_key(key)
        with self._lock:
            found = self._objects.get(key)
        return None if found is None else BlobInfo(size=len(found[0]), content_type=found[1])

    def ping(self) -> None:
        """Process memory: nothing to reach (see the port)."""

    def delete_prefix(self, prefix: str) -> int:
        validate_prefix(prefix)
        with self._lock:
            doomed = [key for key in self._objects if key.startswith(prefix)]
            for key in doomed:
                del self._objects[key]
        return len(doomed)

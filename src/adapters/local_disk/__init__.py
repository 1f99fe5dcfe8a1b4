"""Local-disk adapter: a durable blob store with HMAC-signed URLs served by our HTTP edge."""

from instagram_adapters.local_disk.blobs import LocalDiskBlobStore

__all__ = ["LocalDiskBlobStore"]

"""A blob store on S3 (or anything speaking its API: MinIO, Ceph, moto), for production.

Clients upload and download straight from S3 through presigned URLs, so media bytes never
pass through our servers. Keys are validated exactly as in the local store, so every store
refuses the same keys. Durability and atomic replacement are S3's: an acknowledged
PutObject is stored redundantly and readers see the old or the new object, never a mix.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from instagram_adapters.local_disk.keys import validate_content_type, validate_key, validate_prefix
from instagram_adapters.s3 import lifecycle
from instagram_adapters.s3.client import S3Client, ensure_bucket, make_client
from instagram_adapters.s3.errors import EXISTS, MISSING_KEY, error_code, s3_boundary
from instagram_adapters.s3.multipart import MultipartUploads
from instagram_adapters.s3.stale_uploads import StaleMultipartUploads
from instagram_adapters.s3.story_keys import stored_key, stored_prefixes
from instagram_adapters.s3.urls import presign, signed_expiry
from instagram_core.domain.errors import Conflict, InvalidInput, NotFound, Unavailable
from instagram_core.policies.blob_caching import cache_control
from instagram_core.ports.blobs import BlobInfo, PresignedUpload

DELETE_BATCH = 1000  # DeleteObjects takes at most 1,000 keys
STORY_RULE_ID = "expire-stories"
ABORT_UPLOADS_RULE_ID = "abort-incomplete-uploads"
_FALLBACK_TYPE = "binary/octet-stream"  # what S3 reports for an object stored without one


class S3BlobStore(MultipartUploads, StaleMultipartUploads):
    """:class:`~instagram_core.ports.blobs.BlobStore` on one S3 bucket.

    ``presign_client`` signs the URLs handed to clients; give one built with the public
    endpoint when clients reach S3 at another address than the servers do (the host is
    part of the signature). By default ``client`` signs them too. boto3 clients are
    thread-safe, so one store serves every thread of a process.
    """

    def __init__(
        self, client: S3Client, bucket: str, presign_client: S3Client | None = None
    ) -> None:
        self._client = client
        self._presign = presign_client if presign_client is not None else client
        self._bucket = bucket

    @classmethod
    def from_settings(
        cls,
        endpoint_url: str | None,
        region: str,
        bucket: str,
        access_key: str | None,
        secret_key: str | None,
        public_endpoint_url: str | None = None,
    ) -> S3BlobStore:
        """A store with its own clients (see :func:`instagram_adapters.s3.client.make_client`); no
        network call happens until the first operation. ``None`` credentials fall back to
        boto3's chain (environment, instance role)."""
        client = make_client(endpoint_url, region, access_key, secret_key)
        presign_client = None
        if public_endpoint_url and public_endpoint_url != endpoint_url:
            presign_client = make_client(public_endpoint_url, region, access_key, secret_key)
        return cls(client, bucket, presign_client)

    @property
    def bucket(self) -> str:
        return self._bucket

    def ping(self) -> None:
        """Raise ``Unavailable`` unless the bucket answers (readiness): a missing bucket
        would otherwise look like an empty one."""
        with s3_boundary("ping"):
            self._client.head_bucket(Bucket=self._bucket)

    def ensure_bucket(self) -> None:
        """Create the bucket if it is missing (at deployment or start-up)."""
        ensure_bucket(self._client, self._bucket)

    def configure_story_lifecycle(self, prefix: str = "stories/", days: int = 1) -> None:
        """Have S3 delete objects under ``prefix`` ``days`` days after upload, keeping the
        bucket's other lifecycle rules (see :mod:`instagram_adapters.s3.lifecycle`). Only
        story originals are stored under ``stories/``: renditions, which the owner's archive
        keeps showing, are stored outside it (see :mod:`instagram_adapters.s3.story_keys`)."""
        lifecycle.put_expiry_rule(self._client, self._bucket, STORY_RULE_ID, prefix, days)

    def configure_upload_lifecycle(self, days: int = 1) -> None:
        """Have S3 abort multipart uploads still incomplete ``days`` days after they began,
        keeping the bucket's other lifecycle rules (the story rule among them)."""
        lifecycle.put_abort_incomplete_rule(self._client, self._bucket, ABORT_UPLOADS_RULE_ID, days)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Stored with its ``Cache-Control`` (:mod:`instagram_core.policies.blob_caching`),
        which S3 and a CDN in front of it serve with every GET."""
        validate_key(key)
        validate_content_type(content_type)
        with s3_boundary("put"):
            self._client.put_object(
                Bucket=self._bucket,
                Key=stored_key(key),
                Body=bytes(data),
                ContentType=content_type,
                CacheControl=cache_control(key),
            )

    def put_new(self, key: str, data: bytes, content_type: str) -> None:
        """A conditional PutObject (``If-None-Match: *``): S3 itself refuses a second
        write of the key, atomically, also between concurrent writers."""
        validate_key(key)
        validate_content_type(content_type)
        with s3_boundary("put_new"):
            try:
                self._client.put_object(
                    Bucket=self._bucket,
                    Key=stored_key(key),
                    Body=bytes(data),
                    ContentType=content_type,
                    CacheControl=cache_control(key),
                    IfNoneMatch="*",
                )
            except ClientError as exc:
                if error_code(exc) in EXISTS:
                    raise Conflict(f"blob {key!r} exists already and is never replaced") from None
                raise

    def get(self, key: str) -> bytes:
        return self._read(key, None)

    def read_head(self, key: str, length: int) -> bytes:
        """One ranged GET, so sniffing a large video does not download all of it."""
        if length <= 0:
            if self.info(key) is None:
                raise NotFound(f"no blob {key!r}")
            return b""
        return self._read(key, f"bytes=0-{length - 1}")

    def info(self, key: str) -> BlobInfo | None:
        """``None`` also when the bucket is missing: HEAD answers carry no code to tell."""
        validate_key(key)
        with s3_boundary("info"):
            try:
                head = self._client.head_object(Bucket=self._bucket, Key=stored_key(key))
            except ClientError as exc:
                if error_code(exc) in MISSING_KEY:
                    return None
                raise
        return BlobInfo(
            size=int(head["ContentLength"]), content_type=head.get("ContentType", _FALLBACK_TYPE)
        )

    def delete_prefix(self, prefix: str) -> int:
        """Lists and deletes page by page (1,000 keys each). A key deleted concurrently is
        still counted: S3 reports deleting a missing key as a success."""
        validate_prefix(prefix)
        deleted = 0
        with s3_boundary("delete_prefix"):
            for stored in stored_prefixes(prefix):
                pages = self._client.get_paginator("list_objects_v2").paginate(
                    Bucket=self._bucket, Prefix=stored
                )
                for page in pages:
                    keys = [item["Key"] for item in page.get("Contents", [])]
                    for start in range(0, len(keys), DELETE_BATCH):
                        deleted += self._delete_batch(keys[start : start + DELETE_BATCH])
        return deleted

    def presign_upload(
        self, key: str, content_type: str, max_bytes: int, expires_in: int
    ) -> PresignedUpload:
        """A presigned PutObject URL that binds the key, the Content-Type, our
        ``Cache-Control`` and ``If-None-Match: *`` (signed headers: S3 refuses a request
        without them), so S3 itself makes the URL single-use: once an object exists at the
        key, a replay gets 412 ``PreconditionFailed`` (409 ``ConditionalRequestConflict``
        for the loser of two racing PUTs), whatever our servers know. S3 cannot check our
        media records, so a replay after the object was deleted (its post deleted) within
        the URL's 15 minutes stores an orphan that no record names (see docs/security.md).
        S3 cannot hold a presigned PUT to ``max_bytes`` either (only POST policies can), so
        the core checks the size with :meth:`info` after the upload; use a multipart upload
        to check it before the object exists."""
        validate_key(key)
        validate_content_type(content_type)
        if max_bytes < 1:
            raise InvalidInput("max_bytes must be positive")
        caching = cache_control(key)
        params = {
            "Bucket": self._bucket,
            "Key": stored_key(key),
            "ContentType": content_type,
            "CacheControl": caching,
            "IfNoneMatch": "*",
        }
        url = presign(self._presign, "put_object", params, expires_in)
        headers = {"Content-Type": content_type, "Cache-Control": caching, "If-None-Match": "*"}
        return PresignedUpload(url=url, expires_at=signed_expiry(url), headers=headers)

    def download_url(self, key: str, expires_in: int) -> str:
        """A presigned GetObject URL, valid for at least ``expires_in`` seconds; it changes
        every second, unlike the local store's (see :mod:`instagram_adapters.s3.urls`)."""
        validate_key(key)
        return presign(
            self._presign,
            "get_object",
            {"Bucket": self._bucket, "Key": stored_key(key)},
            expires_in,
        )

    def _read(self, key: str, byte_range: str | None) -> bytes:
        validate_key(key)
        extra = {} if byte_range is None else {"Range": byte_range}
        with s3_boundary("get"):
            try:
                body = self._client.get_object(Bucket=self._bucket, Key=stored_key(key), **extra)[
                    "Body"
                ]
            except ClientError as exc:
                if error_code(exc) in MISSING_KEY:
                    raise NotFound(f"no blob {key!r}") from None
                if error_code(exc) == "InvalidRange":  # any range of an empty object
                    return b""
                raise
            try:
                return bytes(body.read())
            finally:
                body.close()

    def _delete_batch(self, keys: list[str]) -> int:
        answer = self._client.delete_objects(
            Bucket=self._bucket,
            Delete={"Objects": [{"Key": key} for key in keys], "Quiet": True},
        )
        failed = answer.get("Errors", [])
        if failed:
            first = failed[0]
            raise Unavailable(
                f"S3 did not delete {len(failed)} of {len(keys)} objects "
                f"({first.get('Key')}: {first.get('Code')})"
            )
        return len(keys)

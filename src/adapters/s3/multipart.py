"""Multipart uploads, the seed's resumable upload for large files.

A client uploads parts straight to S3 through presigned part URLs. When the connection
drops, :meth:`MultipartUploads.list_parts` says which parts S3 already holds, so the client
resumes from the first missing part instead of starting over. Unlike a presigned PUT, a
multipart upload can be held to a byte limit: sum the sizes ``list_parts`` reports and
refuse to complete (abort instead) when they exceed it. These are S3 features, not part of
the ``BlobStore`` port; :class:`S3MultipartUploads` offers them to the core through the
:class:`~instagram_core.ports.multipart.MultipartUploads` port.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import NamedTuple

from botocore.exceptions import ClientError

from instagram_adapters.local_disk.keys import validate_content_type, validate_key
from instagram_adapters.local_disk.parts import check_part_number, select_parts
from instagram_adapters.s3.client import S3Client
from instagram_adapters.s3.errors import error_code, s3_boundary
from instagram_adapters.s3.urls import presign, signed_expiry
from instagram_core.domain.errors import InvalidInput, NotFound
from instagram_core.ports import multipart as port
from instagram_core.ports.blobs import PresignedUpload

_BAD_PARTS = frozenset({"InvalidPart", "InvalidPartOrder", "EntityTooSmall"})


class UploadedPart(NamedTuple):
    """A part S3 holds: what ``complete_multipart`` needs (number, ETag) and its size."""

    part_number: int
    etag: str
    size: int


@contextmanager
def _upload_errors(upload_id: str) -> Iterator[None]:
    """An unknown, aborted or completed upload is ``NotFound``; a bad part list is the
    caller's mistake (``InvalidInput``). Other errors go on to the S3 boundary."""
    try:
        yield
    except ClientError as exc:
        if error_code(exc) == "NoSuchUpload":
            raise NotFound(f"no multipart upload {upload_id!r}") from None
        if error_code(exc) in _BAD_PARTS:
            raise InvalidInput(f"cannot complete upload {upload_id!r}: {error_code(exc)}") from None
        raise


class MultipartUploads:
    """The multipart methods of :class:`instagram_adapters.s3.blobs.S3BlobStore`."""

    _client: S3Client
    _presign: S3Client
    _bucket: str

    def start_multipart(self, key: str, content_type: str) -> str:
        """Begin an upload of ``key`` with ``content_type``; returns its upload id."""
        validate_key(key)
        validate_content_type(content_type)
        with s3_boundary("start_multipart"):
            created = self._client.create_multipart_upload(
                Bucket=self._bucket, Key=key, ContentType=content_type
            )
        return str(created["UploadId"])

    def presign_part(self, key: str, upload_id: str, part_number: int, expires_in: int) -> str:
        """A URL accepting one PUT of part ``part_number`` (1 to 10,000) for at least
        ``expires_in`` seconds; uploading a part again replaces it."""
        validate_key(key)
        check_part_number(part_number)
        params = {
            "Bucket": self._bucket,
            "Key": key,
            "UploadId": upload_id,
            "PartNumber": part_number,
        }
        return presign(self._presign, "upload_part", params, expires_in)

    def list_parts(self, key: str, upload_id: str) -> list[UploadedPart]:
        """The parts stored so far, by part number: where an interrupted upload resumes.
        Raises ``NotFound`` for an unknown, aborted or completed upload."""
        validate_key(key)
        parts: list[UploadedPart] = []
        with s3_boundary("list_parts"), _upload_errors(upload_id):
            pages = self._client.get_paginator("list_parts").paginate(
                Bucket=self._bucket, Key=key, UploadId=upload_id
            )
            for page in pages:
                parts.extend(
                    UploadedPart(int(part["PartNumber"]), str(part["ETag"]), int(part["Size"]))
                    for part in page.get("Parts", [])
                )
        return sorted(parts)

    def complete_multipart(self, key: str, upload_id: str, parts: Sequence[UploadedPart]) -> None:
        """Join ``parts`` (in any order) into the object ``key``, replacing any previous one.
        Raises ``InvalidInput`` when a part is missing, has another ETag or (but for the
        last) is under 5 MiB, and ``NotFound`` for an unknown or finished upload."""
        validate_key(key)
        if not parts:
            raise InvalidInput("a multipart upload needs at least one part")
        listed = [{"PartNumber": p.part_number, "ETag": p.etag} for p in sorted(parts)]
        with s3_boundary("complete_multipart"), _upload_errors(upload_id):
            self._client.complete_multipart_upload(
                Bucket=self._bucket,
                Key=key,
                UploadId=upload_id,
                MultipartUpload={"Parts": listed},
            )

    def abort_multipart(self, key: str, upload_id: str) -> None:
        """Discard an upload and its parts; a no-op if it is unknown or already finished,
        so a retried abort is harmless."""
        validate_key(key)
        with s3_boundary("abort_multipart"):
            try:
                self._client.abort_multipart_upload(
                    Bucket=self._bucket, Key=key, UploadId=upload_id
                )
            except ClientError as exc:
                if error_code(exc) != "NoSuchUpload":
                    raise


class S3MultipartUploads:
    """:class:`~instagram_core.ports.multipart.MultipartUploads` on the bucket of an S3 store.

    ``complete`` lists the parts first and checks the request against them, so an unknown
    upload is ``NotFound`` and a bad part list ``InvalidInput`` whatever the server says
    (moto answers completing an unknown upload with a 500); S3 still checks them itself.
    """

    def __init__(self, store: MultipartUploads) -> None:
        self._store = store

    def start(self, key: str, content_type: str) -> str:
        return self._store.start_multipart(key, content_type)

    def part_url(
        self, key: str, upload_id: str, part_number: int, expires_in: int
    ) -> PresignedUpload:
        check_part_number(part_number)
        url = self._store.presign_part(key, upload_id, part_number, expires_in)
        return PresignedUpload(url=url, expires_at=signed_expiry(url))

    def parts(self, key: str, upload_id: str) -> list[port.UploadedPart]:
        return [
            port.UploadedPart(p.part_number, p.size, p.etag)
            for p in self._store.list_parts(key, upload_id)
        ]

    def complete(self, key: str, upload_id: str, parts: Sequence[port.UploadedPart]) -> None:
        chosen = select_parts(parts, self.parts(key, upload_id))
        self._store.complete_multipart(
            key, upload_id, [UploadedPart(p.part_number, p.etag, p.size) for p in chosen]
        )

    def abort(self, key: str, upload_id: str) -> None:
        self._store.abort_multipart(key, upload_id)

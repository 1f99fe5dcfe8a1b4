"""What the upload sweeper finds in an S3 bucket: multipart uploads never completed nor
aborted, with the time S3 says each was initiated. Their parts are stored (and billed)
until someone aborts them; the bucket's ``AbortIncompleteMultipartUpload`` rule (see
:mod:`instagram_adapters.s3.lifecycle`) is the backstop, the sweeper the schedule that does not wait
for S3's daily lifecycle run. See
:class:`~instagram_core.ports.abandoned_uploads.StaleUploads`."""

from __future__ import annotations

from datetime import datetime

from instagram_adapters.s3.client import S3Client
from instagram_adapters.s3.errors import s3_boundary
from instagram_core.ports.abandoned_uploads import PendingUpload


class StaleMultipartUploads:
    """The :class:`~instagram_core.ports.abandoned_uploads.StaleUploads` methods of
    :class:`instagram_adapters.s3.blobs.S3BlobStore`."""

    _client: S3Client
    _bucket: str

    def pending_uploads(self, started_before: datetime) -> list[PendingUpload]:
        """Every page of ``ListMultipartUploads`` (1,000 uploads each)."""
        pending = []
        with s3_boundary("pending_uploads"):
            pages = self._client.get_paginator("list_multipart_uploads").paginate(
                Bucket=self._bucket
            )
            for page in pages:
                for upload in page.get("Uploads", []):
                    started = upload["Initiated"]
                    if started < started_before:
                        pending.append(PendingUpload(upload["Key"], upload["UploadId"], started))
        return sorted(pending, key=lambda p: (p.started_at, p.upload_id))

    def purge_scraps(self, older_than: datetime) -> int:
        """S3 stages nothing we can see: a PutObject is whole or absent."""
        return 0

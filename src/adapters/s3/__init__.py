"""S3 adapter: media on S3, uploaded and downloaded by clients through presigned URLs."""

from adapters.s3.blobs import S3BlobStore
from adapters.s3.multipart import S3MultipartUploads, UploadedPart

__all__ = ["S3BlobStore", "S3MultipartUploads", "UploadedPart"]

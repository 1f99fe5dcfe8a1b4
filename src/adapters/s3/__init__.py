"""S3 adapter: media on S3, uploaded and downloaded by clients through presigned URLs."""

from instagram_adapters.extras import require

require(__name__, boto3="production")

from instagram_adapters.s3.blobs import S3BlobStore  # noqa: E402
from instagram_adapters.s3.multipart import S3MultipartUploads, UploadedPart  # noqa: E402

__all__ = ["S3BlobStore", "S3MultipartUploads", "UploadedPart"]

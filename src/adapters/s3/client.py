"""Building the boto3 client the S3 store takes, and creating its bucket.

The store takes a built client (the composition root owns it); these helpers are what
``S3BlobStore.from_settings`` and the tests use, so both talk to S3 the same way.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from instagram_adapters.s3.errors import error_code, s3_boundary

S3Client = Any
"""A boto3 S3 client; boto3 ships no type information."""

_NO_BUCKET = frozenset({"404", "NoSuchBucket", "NotFound"})
_US_EAST_1 = "us-east-1"  # the one region whose CreateBucket refuses a LocationConstraint


def make_client(
    endpoint_url: str | None,
    region: str,
    access_key: str | None,
    secret_key: str | None,
    *,
    connect_timeout: float = 2.0,
    read_timeout: float = 10.0,
    max_attempts: int = 3,
) -> S3Client:
    """An S3 client that fails fast and retries transient errors with backoff;
    ``max_attempts`` counts the first try (1 means no retry).

    Presigned URLs are SigV4 (``X-Amz-Date``/``X-Amz-Expires``): AWS no longer accepts
    SigV2 on new buckets, and botocore would otherwise pick SigV2 for some endpoints. A
    custom endpoint (MinIO, moto, a proxy) gets path-style addressing, since its host name
    rarely resolves with the bucket as a subdomain; AWS itself keeps virtual hosts.
    """
    config = Config(
        signature_version="s3v4",
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        retries={"mode": "standard", "total_max_attempts": max_attempts},
        s3={"addressing_style": "path" if endpoint_url else "auto"},
    )
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        config=config,
    )


def ensure_bucket(client: S3Client, bucket: str) -> None:
    """Create ``bucket`` in the client's region unless it exists; safe to run concurrently."""
    with s3_boundary("ensure_bucket"):
        try:
            client.head_bucket(Bucket=bucket)
            return
        except ClientError as exc:
            if error_code(exc) not in _NO_BUCKET:
                raise
        region = client.meta.region_name or _US_EAST_1
        location = {} if region == _US_EAST_1 else {"LocationConstraint": region}
        try:
            if location:
                client.create_bucket(Bucket=bucket, CreateBucketConfiguration=location)
            else:
                client.create_bucket(Bucket=bucket)
        except ClientError as exc:  # another process created it first
            if error_code(exc) != "BucketAlreadyOwnedByYou":
                raise

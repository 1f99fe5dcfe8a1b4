"""A fresh bucket per test on the moto server of the ``s3_endpoint`` fixture."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache

import botocore.auth
import pytest

from instagram_adapters.s3 import S3BlobStore
from instagram_adapters.s3.client import S3Client, make_client
from instagram_core.ports.clock import Clock

REGION = "us-east-1"
# moto accepts any credentials; fixed ones keep the environment's (if any) out of the tests.
ACCESS_KEY, SECRET_KEY = "testing", "testing"


@cache
def shared_client(endpoint: str, region: str = REGION) -> S3Client:
    """One client per endpoint and region: building one loads botocore's models (~0.1 s)."""
    return make_client(endpoint, region, ACCESS_KEY, SECRET_KEY)


@contextmanager
def fresh_store(endpoint: str, region: str = REGION) -> Iterator[S3BlobStore]:
    """A store on a new, empty bucket, removed with everything in it afterwards."""
    client = shared_client(endpoint, region)
    store = S3BlobStore(client, f"test-{uuid.uuid4().hex}")
    store.ensure_bucket()
    try:
        yield store
    finally:
        remove_bucket(client, store.bucket)


def remove_bucket(client: S3Client, bucket: str) -> None:
    uploads = client.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
    for upload in uploads:
        client.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
        if keys:
            client.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})
    client.delete_bucket(Bucket=bucket)


def pin_signing_clock(monkeypatch: pytest.MonkeyPatch, clock: Clock) -> None:
    """Make botocore sign at ``clock``'s time instead of its own wall clock.

    The port's contract checks ``expires_at`` against the test's manual clock, and the S3
    store reads ``expires_at`` from the signed URL. moto checks no request date, so requests
    signed "in the past" still go through.
    """

    def now(remove_tzinfo: bool = True) -> datetime:
        moment = clock.now().astimezone(UTC)
        return moment.replace(tzinfo=None) if remove_tzinfo else moment

    monkeypatch.setattr(botocore.auth, "get_current_datetime", now)

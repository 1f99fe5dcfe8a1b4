"""Bucket lifecycle rules: S3 deletes story media by itself, as the seed's Story Service says.

S3 counts lifecycle days from an object's creation and rounds to the next midnight UTC, so
a one-day rule removes a story's files 24 to 48 hours after upload. That only reclaims
storage: the core already hides a story once its ``expires_at`` passes.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from instagram_adapters.local_disk.keys import validate_prefix
from instagram_adapters.s3.client import S3Client
from instagram_adapters.s3.errors import error_code, s3_boundary
from instagram_core.domain.errors import InvalidInput


def lifecycle_rules(client: S3Client, bucket: str) -> list[dict[str, Any]]:
    """The bucket's lifecycle rules, ``[]`` when it has none."""
    with s3_boundary("get lifecycle"):
        try:
            found = client.get_bucket_lifecycle_configuration(Bucket=bucket)
        except ClientError as exc:
            if error_code(exc) == "NoSuchLifecycleConfiguration":
                return []
            raise
    return list(found.get("Rules", []))


def put_expiry_rule(client: S3Client, bucket: str, rule_id: str, prefix: str, days: int) -> None:
    """Expire objects under ``prefix`` ``days`` days after creation, in rule ``rule_id``.

    S3 replaces a bucket's whole lifecycle configuration at once, so the other rules are
    read and written back unchanged; run it at deployment, not from concurrent processes.
    """
    validate_prefix(prefix)
    if days < 1:
        raise InvalidInput("a lifecycle rule expires objects after at least one day")
    rule = {
        "ID": rule_id,
        "Filter": {"Prefix": prefix},
        "Status": "Enabled",
        "Expiration": {"Days": days},
    }
    others = [kept for kept in lifecycle_rules(client, bucket) if kept.get("ID") != rule_id]
    with s3_boundary("put lifecycle"):
        client.put_bucket_lifecycle_configuration(
            Bucket=bucket, LifecycleConfiguration={"Rules": [*others, rule]}
        )

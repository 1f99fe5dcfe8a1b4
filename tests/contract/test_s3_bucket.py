"""Setting up the S3 bucket: creating it in the client's region and the story lifecycle rule.

moto stores lifecycle rules but never applies them (nothing expires), so only the stored
configuration is checked; see docs/engines.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from instagram_adapters.s3 import S3BlobStore
from instagram_adapters.s3.lifecycle import lifecycle_rules
from instagram_core.domain.errors import Conflict, InvalidInput
from tests.contract.s3_buckets import ACCESS_KEY, REGION, SECRET_KEY, fresh_store, shared_client

KEY = "u1/2024/05/42/thumb_150.jpg"


@pytest.fixture
def s3(s3_endpoint: str) -> Iterator[S3BlobStore]:
    with fresh_store(s3_endpoint) as store:
        yield store


def test_s3_ensure_bucket_is_idempotent_and_uses_the_client_region(s3_endpoint: str) -> None:
    with fresh_store(s3_endpoint, region="eu-west-1") as store:
        store.ensure_bucket()
        store.put(KEY, b"x", "image/jpeg")
        assert store.get(KEY) == b"x"
        client = shared_client(s3_endpoint, "eu-west-1")
        location = client.get_bucket_location(Bucket=store.bucket)
        assert location["LocationConstraint"] == "eu-west-1"


def test_s3_story_lifecycle_rule_is_stored_once_beside_other_rules(
    s3: S3BlobStore, s3_endpoint: str
) -> None:
    """moto stores the rule but never expires anything, so only the rule is checked."""
    client = shared_client(s3_endpoint)
    other = {
        "ID": "tidy-tmp",
        "Filter": {"Prefix": "tmp/"},
        "Status": "Enabled",
        "Expiration": {"Days": 7},
    }
    client.put_bucket_lifecycle_configuration(
        Bucket=s3.bucket, LifecycleConfiguration={"Rules": [other]}
    )
    s3.configure_story_lifecycle()
    s3.configure_story_lifecycle()  # running it again at the next deployment changes nothing
    rules = {rule["ID"]: rule for rule in lifecycle_rules(client, s3.bucket)}
    assert set(rules) == {"tidy-tmp", "expire-stories"}
    story = rules["expire-stories"]
    assert story["Filter"] == {"Prefix": "stories/"}
    assert (story["Status"], story["Expiration"]) == ("Enabled", {"Days": 1})


def test_s3_story_lifecycle_refuses_a_bad_prefix_or_duration(
    s3: S3BlobStore, s3_endpoint: str
) -> None:
    with pytest.raises(InvalidInput):
        s3.configure_story_lifecycle(prefix="stories")
    with pytest.raises(InvalidInput):
        s3.configure_story_lifecycle(days=0)
    assert lifecycle_rules(shared_client(s3_endpoint), s3.bucket) == []


def test_s3_from_settings_signs_urls_for_the_public_endpoint(
    s3: S3BlobStore, s3_endpoint: str
) -> None:
    """Servers may reach S3 by one name and clients by another; the host is signed."""
    public = s3_endpoint.replace("127.0.0.1", "localhost")
    store = S3BlobStore.from_settings(
        s3_endpoint, REGION, s3.bucket, ACCESS_KEY, SECRET_KEY, public_endpoint_url=public
    )
    store.put(KEY, b"pixels", "image/jpeg")
    url = store.download_url(KEY, 60)
    assert urlsplit(url).hostname == "localhost"
    assert httpx.get(url).content == b"pixels"


def test_s3_abort_incomplete_uploads_rule_joins_the_story_rule_without_replacing_it(
    s3: S3BlobStore, s3_endpoint: str
) -> None:
    """Either order, run again at every deployment: both rules, once each."""
    client = shared_client(s3_endpoint)
    s3.configure_story_lifecycle()
    s3.configure_upload_lifecycle(days=2)
    s3.configure_upload_lifecycle(days=1)
    s3.configure_story_lifecycle()
    rules = {rule["ID"]: rule for rule in lifecycle_rules(client, s3.bucket)}
    assert set(rules) == {"expire-stories", "abort-incomplete-uploads"}
    aborting = rules["abort-incomplete-uploads"]
    assert aborting["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
    assert (aborting["Status"], aborting["Filter"]) == ("Enabled", {"Prefix": ""})
    assert rules["expire-stories"]["Expiration"] == {"Days": 1}
    with pytest.raises(InvalidInput):
        s3.configure_upload_lifecycle(days=0)


def test_s3_story_renditions_are_stored_outside_the_expiring_prefix(
    s3: S3BlobStore, s3_endpoint: str
) -> None:
    """Archived stories keep their media: the lifecycle rule expires ``stories/`` after a
    day, and only a story's original upload is stored there; the renditions the archive
    shows are stored under ``story-archive/``, which no rule expires. Deleting the story's
    prefix still deletes both."""
    prefix = "stories/u1/2026/01/77/"
    original, shown = prefix + "original.jpg", prefix + "large_1080.jpg"
    post_rendition = "u1/2026/01/78/large_1080.jpg"
    s3.configure_story_lifecycle()
    s3.put(original, b"raw", "image/jpeg")
    s3.put(shown, b"rendered", "image/jpeg")
    s3.put(post_rendition, b"post", "image/jpeg")

    client = shared_client(s3_endpoint)
    rule = {r["ID"]: r for r in lifecycle_rules(client, s3.bucket)}["expire-stories"]
    expiring = client.list_objects_v2(Bucket=s3.bucket, Prefix=rule["Filter"]["Prefix"])
    assert [o["Key"] for o in expiring.get("Contents", [])] == [original]
    every_rule_prefix = [r["Filter"].get("Prefix", "") for r in lifecycle_rules(client, s3.bucket)]
    assert not any(
        f"story-archive/{shown[len('stories/') :]}".startswith(p) for p in every_rule_prefix
    )

    # The blob store still names the rendition by its story key, on every path.
    assert s3.get(shown) == b"rendered"
    assert s3.read_head(shown, 3) == b"ren"
    info = s3.info(shown)
    assert info is not None
    assert info.size == len(b"rendered")
    assert httpx.get(s3.download_url(shown, 60)).content == b"rendered"
    with pytest.raises(Conflict):
        s3.put_new(shown, b"again", "image/jpeg")

    assert s3.delete_prefix(prefix) == 2
    assert s3.info(original) is None
    assert s3.info(shown) is None
    assert s3.get(post_rendition) == b"post"
    left = client.list_objects_v2(Bucket=s3.bucket).get("Contents", [])
    assert [o["Key"] for o in left] == [post_rendition]

"""What the media pipeline really writes to S3 carries the right caching and type headers.

The core's pipeline (Pillow for photos and stories, PyAV for video) runs over an S3 bucket
on moto; then every object in the bucket, whatever wrote it, is read back with
``HeadObject``, as a CDN in front of the bucket would see it: variants are cacheable for a
year and immutable, originals never cacheable, and each object's ``Content-Type`` is the
one its bytes are. A new kind of variant, or one written by another path, is checked too,
and an extension this test does not know fails it rather than passing unchecked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

import pytest
from dependency_injector import providers

from instagram_adapters.s3 import S3BlobStore
from instagram_core.domain.media import is_original_key
from instagram_core.policies.blob_caching import ORIGINAL_CACHE_CONTROL, VARIANT_CACHE_CONTROL
from instagram_core.services.posts import NewPost
from instagram_entrypoints.containers import memory_container
from tests.contract.s3_buckets import fresh_store, shared_client
from tests.contract.test_video_transcoder import clip
from tests.support import jpeg_bytes
from tests.unit.conftest import START, World, unit_settings

# What each kind of file is, by its first bytes: the stored type must say the same.
SNIFF = {
    ".jpg": ("image/jpeg", lambda b: b.startswith(b"\xff\xd8\xff")),
    ".webp": ("image/webp", lambda b: b[:4] == b"RIFF" and b[8:12] == b"WEBP"),
    ".mp4": ("video/mp4", lambda b: b[4:8] == b"ftyp"),
    ".txt": ("text/plain", lambda b: b.isascii()),
}


@pytest.fixture
def s3(s3_endpoint: str) -> Iterator[S3BlobStore]:
    with fresh_store(s3_endpoint) as store:
        yield store


@pytest.fixture
def world(s3: S3BlobStore) -> Iterator[World]:
    container = memory_container(START, unit_settings())
    container.adapters.blobs.override(providers.Object(s3))
    container.init_resources()
    yield World(container)
    container.shutdown_resources()


def stored_objects(s3: S3BlobStore, endpoint: str) -> dict[str, dict[str, Any]]:
    client = shared_client(endpoint)
    keys = [
        item["Key"]
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=s3.bucket)
        for item in page.get("Contents", [])
    ]
    return {key: dict(client.head_object(Bucket=s3.bucket, Key=key)) for key in keys}


def test_every_object_the_pipeline_writes_to_s3_has_its_caching_and_type(
    world: World, s3: S3BlobStore, s3_endpoint: str
) -> None:
    alice = world.register("alice")
    photo = world.post(alice, data=jpeg_bytes())
    ticket = world.core.media().request_upload(alice.user_id, "video", "video/mp4", "post")
    s3.put(ticket.media.original_key, clip("small.mp4"), "video/mp4")
    video = world.core.posts().create(alice.user_id, NewPost([ticket.media.media_id]))
    world.core.stories().create(alice.user_id, world.upload(alice, purpose="story"))
    variants = {
        v.key
        for post_id in (photo.post_id, video.post_id)
        for media_id in world.adapters.posts().get(post_id).media_ids  # type: ignore[union-attr]
        for v in world.adapters.media().get(media_id).variants  # type: ignore[union-attr]
    }
    assert variants  # the pipeline published both posts
    objects = stored_objects(s3, s3_endpoint)
    assert variants <= set(objects)
    kinds = {PurePosixPath(key).suffix for key in objects if not is_original_key(key)}
    assert {".jpg", ".mp4"} <= kinds  # photo and video renditions both reached S3
    for key, head in objects.items():
        suffix = PurePosixPath(key).suffix
        assert suffix in SNIFF, f"{key}: a kind of file this test does not know"
        content_type, looks_like = SNIFF[suffix]
        assert head["ContentType"] == content_type, key
        assert looks_like(s3.get(key)), key
        expected = ORIGINAL_CACHE_CONTROL if is_original_key(key) else VARIANT_CACHE_CONTROL
        assert head["CacheControl"] == expected, key

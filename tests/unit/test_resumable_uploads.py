"""The resumable-upload use cases of ``MediaService`` over the in-memory adapters: who may
upload, how far part numbers go, what completing joins and the byte limit."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from instagram_core.domain.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge
from instagram_core.domain.users import User
from instagram_core.ports.multipart import PART_SIZE
from instagram_core.services.posts import NewPost
from tests.support import jpeg_bytes
from tests.unit.conftest import World, new_world

MIB = 1024 * 1024


def reserve(world: World, owner: User, purpose: str = "post") -> int:
    ticket = world.core.media().request_upload(owner.user_id, "image", "image/jpeg", purpose)
    return ticket.media.media_id


def send(world: World, owner: User, media_id: int, upload_id: str, n: int, data: bytes) -> str:
    """PUT part ``n`` as the ``/blobs`` edge would store it; returns its ETag."""
    url = world.core.media().part_url(owner.user_id, media_id, upload_id, n).url
    q = {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}
    key = unquote(urlsplit(url).path.removeprefix("/blobs/"))
    uploads = world.adapters.multipart()
    number, limit = uploads.verify_part(
        key, q["upload"], q["part"], q["expires"], q["max"], q["sig"]
    )
    return str(uploads.put_part(key, upload_id, number, [data], limit).etag)


def test_the_parts_become_the_original_and_the_media_publishes(world: World) -> None:
    alice = world.register("alice")
    media = world.core.media()
    media_id = reserve(world, alice)
    started = media.start_multipart(alice.user_id, media_id)
    assert (started.part_size, started.max_parts) == (PART_SIZE, 4)
    photo = jpeg_bytes(640, 480)
    filler = photo + b"\0" * (PART_SIZE - len(photo))  # JPEG decoders stop at the end marker
    send(world, alice, media_id, started.upload_id, 1, filler)
    assert [
        p.part_number for p in media.uploaded_parts(alice.user_id, media_id, started.upload_id)
    ] == [1]
    send(world, alice, media_id, started.upload_id, 2, b"tail")
    assert media.complete_multipart(alice.user_id, media_id, started.upload_id) == PART_SIZE + 4
    created = world.core.posts().create(alice.user_id, NewPost([media_id], "big"))
    assert world.core.posts().get(alice.user_id, created.post_id).status == "published"


def test_only_the_owners_media_awaiting_upload_can_take_parts(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    media = world.core.media()
    media_id = reserve(world, alice)
    with pytest.raises(InvalidInput, match="unknown media"):
        media.start_multipart(bob.user_id, media_id)
    upload_id = media.start_multipart(alice.user_id, media_id).upload_id
    for action in (
        lambda: media.uploaded_parts(bob.user_id, media_id, upload_id),
        lambda: media.part_url(bob.user_id, media_id, upload_id, 1),
        lambda: media.complete_multipart(bob.user_id, media_id, upload_id),
        lambda: media.abort_multipart(bob.user_id, media_id, upload_id),
    ):
        with pytest.raises(InvalidInput):
            action()
    used = world.post(alice).media_ids[0]
    with pytest.raises(Conflict, match="single-use"):
        media.start_multipart(alice.user_id, used)


def test_part_urls_stop_at_the_byte_limit_and_need_a_live_upload(world: World) -> None:
    alice = world.register("alice")
    media = world.core.media()
    media_id = reserve(world, alice)
    upload_id = media.start_multipart(alice.user_id, media_id).upload_id
    with pytest.raises(InvalidInput, match="1 to 4"):
        media.part_url(alice.user_id, media_id, upload_id, 5)
    with pytest.raises(NotFound):
        media.part_url(alice.user_id, media_id, "f" * 32, 1)
    media.abort_multipart(alice.user_id, media_id, upload_id)
    with pytest.raises(NotFound):
        media.part_url(alice.user_id, media_id, upload_id, 1)


def test_completing_needs_parts_from_1_without_a_gap_and_the_etags_seen(world: World) -> None:
    alice = world.register("alice")
    media = world.core.media()
    media_id = reserve(world, alice)
    upload_id = media.start_multipart(alice.user_id, media_id).upload_id
    with pytest.raises(InvalidInput, match="no part"):
        media.complete_multipart(alice.user_id, media_id, upload_id)
    first = send(world, alice, media_id, upload_id, 1, b"a" * PART_SIZE)
    send(world, alice, media_id, upload_id, 3, b"c")
    with pytest.raises(InvalidInput, match="part 2 is missing"):
        media.complete_multipart(alice.user_id, media_id, upload_id)
    with pytest.raises(InvalidInput, match="ETag"):
        media.complete_multipart(alice.user_id, media_id, upload_id, {1: '"stale"'})
    assert media.complete_multipart(alice.user_id, media_id, upload_id, {1: first}) == PART_SIZE


def test_over_the_byte_limit_the_upload_is_aborted() -> None:
    world = new_world(max_upload_bytes=10 * MIB)
    alice = world.register("alice")
    media = world.core.media()
    media_id = reserve(world, alice)
    upload_id = media.start_multipart(alice.user_id, media_id).upload_id
    for number in (1, 2):
        send(world, alice, media_id, upload_id, number, b"x" * PART_SIZE)
    with pytest.raises(PayloadTooLarge):
        media.complete_multipart(alice.user_id, media_id, upload_id)
    with pytest.raises(NotFound):
        media.uploaded_parts(alice.user_id, media_id, upload_id)
    key = world.adapters.media().get(media_id).original_key
    assert world.adapters.blobs().info(key) is None


def test_story_media_take_parts_under_their_own_prefix(world: World) -> None:
    alice = world.register("alice")
    media = world.core.media()
    media_id = reserve(world, alice, purpose="story")
    upload_id = media.start_multipart(alice.user_id, media_id).upload_id
    send(world, alice, media_id, upload_id, 1, b"story bytes")
    media.complete_multipart(alice.user_id, media_id, upload_id)
    key = world.adapters.media().get(media_id).original_key
    assert key.startswith("stories/")
    assert world.adapters.blobs().get(key) == b"story bytes"

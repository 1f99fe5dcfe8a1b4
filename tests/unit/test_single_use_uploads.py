"""Single-use uploads in the core, as a property: whatever order the upload paths are tried
in (a signed PUT as the ``/blobs`` edge takes it, a resumable upload's completion, a part
URL, a new resumable upload) and whenever the media is claimed, the first stored original
is the only one: every later attempt is a ``Conflict`` and the bytes never change."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instagram_core.domain.errors import Conflict
from instagram_core.domain.media import EXTENSIONS, Media, MediaType, media_id_of_original
from instagram_core.services.posts import NewPost
from tests.support import jpeg_bytes
from tests.unit.conftest import World, new_world
from tests.unit.test_resumable_uploads import send

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
STEPS = st.lists(st.sampled_from(["put", "complete", "part_url", "start", "claim"]), max_size=8)


def store_by_put(world: World, key: str, data: bytes) -> None:
    """What the ``/blobs`` edge does with a signed PUT whose signature checked out."""
    world.core.media().require_upload_target(key)
    world.adapters.blobs().put_new(key, data, "image/jpeg")


@PROPERTY
@given(steps=STEPS, for_story=st.booleans())
def test_the_first_stored_original_is_the_only_one(steps: list[str], for_story: bool) -> None:
    world = new_world()
    alice = world.register("alice")
    media = world.core.media()
    purpose = "story" if for_story else "post"
    ticket = media.request_upload(alice.user_id, "image", "image/jpeg", purpose)
    media_id, key = ticket.media.media_id, ticket.media.original_key
    upload_id = media.start_multipart(alice.user_id, media_id).upload_id  # started early
    stored: bytes | None = None
    claimed = False
    for number, step in enumerate(steps):
        data = jpeg_bytes(color=(number * 20, 0, 0))
        try:
            if step == "put":
                store_by_put(world, key, data)
            elif step == "complete":
                send(world, alice, media_id, upload_id, 1, data)
                media.complete_multipart(alice.user_id, media_id, upload_id)
            elif step == "part_url":
                media.part_url(alice.user_id, media_id, upload_id, 1)
            elif step == "start":
                upload_id = media.start_multipart(alice.user_id, media_id).upload_id
            elif stored is not None and not claimed:  # claim what was uploaded
                if for_story:
                    world.core.stories().create(alice.user_id, media_id)
                else:
                    world.core.posts().create(alice.user_id, NewPost([media_id]))
                claimed = True
                continue
            else:
                continue
        except Conflict:
            assert stored is not None or claimed, step  # refused only once spent
            continue
        assert stored is None, step  # accepted only while nothing is stored
        if step in ("put", "complete"):
            stored = data
    if stored is not None:
        assert world.adapters.blobs().get(key) == stored


@given(
    owner=st.uuids().map(str),
    media_id=st.integers(1, 2**63 - 1),
    content_type=st.sampled_from(sorted(EXTENSIONS)),
    for_story=st.booleans(),
    month=st.integers(1, 12),
)
def test_the_media_id_is_read_back_from_exactly_an_originals_key(
    owner: str, media_id: int, content_type: str, for_story: bool, month: int
) -> None:
    created = datetime(2026, month, 1, tzinfo=UTC)
    media = Media(media_id, owner, MediaType.IMAGE, content_type, created, for_story=for_story)
    assert media_id_of_original(media.original_key) == media_id
    for other in ("thumb_150.jpg", "large_1080.webp", "blurhash.txt"):
        assert media_id_of_original(media.key(other)) is None

from __future__ import annotations

import pytest

from instagram_core.domain.errors import Forbidden, InvalidInput, NotFound
from instagram_core.domain.media import MediaStatus
from instagram_core.domain.posts import PostStatus
from instagram_core.services.posts import NewPost
from tests.support import jpeg_bytes
from tests.unit.conftest import World


def test_a_post_is_published_only_once_every_variant_is_stored(world: World) -> None:
    alice = world.register("alice")
    post = world.post(alice, "sunset #Nature #sky with @bob", data=jpeg_bytes(1600, 1200))
    assert post.status is PostStatus.PUBLISHED
    assert post.hashtags == ("nature", "sky")
    assert post.mentions == ("bob",)
    media = world.adapters.media().get(post.media_ids[0])
    assert media is not None
    assert media.status is MediaStatus.READY
    sizes = {v.name: (v.width, v.height) for v in media.variants}
    assert sizes == {
        "thumb_150": (150, 150),
        "small_320": (320, 240),
        "medium_640": (640, 480),
        "large_1080": (1080, 810),
    }
    for variant in media.variants:
        assert world.adapters.blobs().info(variant.key) is not None
        assert variant.key.startswith(f"{alice.user_id}/2026/01/{media.media_id}/")


def test_phase_one_leaves_the_post_processing_until_the_worker_runs(world: World) -> None:
    alice = world.register("alice")
    media_id = world.upload(alice)
    bus = world.c.core.running_bus()
    with bus.paused():
        created = world.core.posts().create(alice.user_id, NewPost([media_id]))
        assert created.status is PostStatus.PROCESSING
        assert world.core.feed().home(alice.user_id, None, 10).items == []
    assert world.core.posts().get(alice.user_id, created.post_id).status is PostStatus.PUBLISHED


def test_bytes_that_are_not_an_image_are_refused_at_creation(world: World) -> None:
    alice = world.register("alice")
    media_id = world.upload(alice, b"definitely not a jpeg" * 10)
    with pytest.raises(InvalidInput, match="not a supported image"):
        world.core.posts().create(alice.user_id, NewPost([media_id]))


def test_a_declared_type_that_does_not_match_the_bytes_is_refused(world: World) -> None:
    alice = world.register("alice")
    ticket = world.core.media().request_upload(alice.user_id, "image", "image/png")
    world.adapters.blobs().put(ticket.media.original_key, jpeg_bytes(), "image/png")
    with pytest.raises(InvalidInput, match="image/jpeg"):
        world.core.posts().create(alice.user_id, NewPost([ticket.media.media_id]))


def test_a_decompression_bomb_is_refused_from_its_header(world: World) -> None:
    import io

    from PIL import Image

    alice = world.register("alice")
    buffer = io.BytesIO()
    Image.new("1", (12_000, 10_000)).save(buffer, "PNG")  # 120 MP, a few kB compressed
    media_id = world.upload(alice, buffer.getvalue(), "image/png")
    with pytest.raises(InvalidInput, match="pixels"):
        world.core.posts().create(alice.user_id, NewPost([media_id]))


def test_a_truncated_upload_fails_the_post_with_a_reason(world: World) -> None:
    alice = world.register("alice")
    whole = jpeg_bytes(900, 700)
    post = world.post(alice, data=whole[: len(whole) // 3])
    assert post.status is PostStatus.FAILED
    assert post.failure_reason
    assert world.core.posts().get(alice.user_id, post.post_id).failure_reason == post.failure_reason


def test_media_must_be_uploaded_owned_and_unused(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    never_uploaded = world.core.media().request_upload(alice.user_id, "image", "image/jpeg")
    with pytest.raises(InvalidInput, match="never uploaded"):
        world.core.posts().create(alice.user_id, NewPost([never_uploaded.media.media_id]))
    bobs = world.upload(bob)
    with pytest.raises(InvalidInput, match="unknown media"):
        world.core.posts().create(alice.user_id, NewPost([bobs]))
    used = world.post(alice).media_ids[0]
    with pytest.raises(InvalidInput, match="already"):
        world.core.posts().create(alice.user_id, NewPost([used]))
    with pytest.raises(InvalidInput):
        world.core.posts().create(alice.user_id, NewPost([]))


def test_unknown_filter_and_tagged_user_are_invalid(world: World) -> None:
    alice = world.register("alice")
    media_id = world.upload(alice)
    with pytest.raises(InvalidInput, match="filter"):
        world.core.posts().create(alice.user_id, NewPost([media_id], filter_name="sepia-nope"))
    with pytest.raises(InvalidInput, match="tag"):
        world.core.posts().create(alice.user_id, NewPost([media_id], tagged_usernames=["ghost"]))


def test_unsupported_upload_types_are_invalid(world: World) -> None:
    alice = world.register("alice")
    with pytest.raises(InvalidInput):
        world.core.media().request_upload(alice.user_id, "image", "application/pdf")
    with pytest.raises(InvalidInput):
        world.core.media().request_upload(alice.user_id, "hologram", "image/jpeg")


def test_only_the_author_deletes_and_deletion_removes_everything(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    world.follow(bob, alice)
    post = world.post(alice)
    world.core.engagement().like(bob.user_id, post.post_id)
    assert [p.post_id for p in world.core.feed().home(bob.user_id, None, 10).items] == [
        post.post_id
    ]
    with pytest.raises(Forbidden):
        world.core.posts().delete(bob.user_id, post.post_id)
    media = world.adapters.media().get(post.media_ids[0])
    assert media is not None
    world.core.posts().delete(alice.user_id, post.post_id)
    with pytest.raises(NotFound):
        world.core.posts().get(alice.user_id, post.post_id)
    assert world.core.feed().home(bob.user_id, None, 10).items == []
    assert world.core.profiles().grid(bob.user_id, "alice", None, 10).items == []
    assert world.adapters.feeds().page(bob.user_id, None, 10) == []
    assert all(world.adapters.blobs().info(v.key) is None for v in media.variants)
    assert world.adapters.engagement().like_counts([post.post_id]) == {post.post_id: 0}


def test_a_private_authors_post_does_not_exist_for_non_followers(world: World) -> None:
    """As an id that names nothing: a pending request grants nothing either."""
    alice, bob = world.register("alice", private=True), world.register("bob")
    post = world.post(alice)
    with pytest.raises(NotFound, match=r"^post not found$"):
        world.core.posts().get(bob.user_id, post.post_id)
    world.follow(bob, alice)  # pending
    with pytest.raises(NotFound, match=r"^post not found$"):
        world.core.posts().get(bob.user_id, post.post_id)


def test_gps_is_shown_to_the_owner_only(world: World) -> None:
    from tests.support import photo

    alice, bob = world.register("alice"), world.register("bob")
    post = world.post(alice, data=photo("gps_DSCN0010.jpg"))
    own = world.core.posts().get(alice.user_id, post.post_id).media[0].metadata
    other = world.core.posts().get(bob.user_id, post.post_id).media[0].metadata
    assert own is not None
    assert own.gps is not None
    assert other is not None
    assert other.gps is None


class _BrokenProcessor:
    """Fails like a crashed worker would, on every attempt."""

    def __init__(self, inner: object) -> None:
        self._inner = inner
        self.calls = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)

    def process_image(self, data: bytes, filter_name: str | None) -> object:
        self.calls += 1
        raise RuntimeError("worker crashed")


def test_a_processing_failure_is_retried_then_dead_lettered_and_the_post_failed() -> None:
    from dependency_injector import providers

    from instagram_entrypoints.containers import memory_container
    from tests.unit.conftest import START, unit_settings

    container = memory_container(START, unit_settings())
    broken = _BrokenProcessor(container.adapters.processor())
    container.adapters.processor.override(providers.Object(broken))
    container.init_resources()
    world = World(container)
    alice = world.register("alice")
    post = world.post(alice)
    assert broken.calls == 3
    assert post.status is PostStatus.FAILED
    assert "re-upload" in (post.failure_reason or "")
    letters = world.c.core.running_bus().dead_letters()
    assert [type(letter.message).__name__ for letter in letters] == ["PostCreated"]
    media = world.adapters.media().get(post.media_ids[0])
    assert media is not None
    assert world.adapters.blobs().info(media.original_key) is not None  # the original is kept


def test_recovery_resumes_only_posts_stuck_longer_than_the_grace(world: World) -> None:
    from datetime import timedelta

    alice = world.register("alice")
    media_id = world.upload(alice)
    with world.c.core.running_bus().paused():
        created = world.core.posts().create(alice.user_id, NewPost([media_id]))
        publishing = world.core.publishing()
        assert publishing.recover_interrupted(older_than=timedelta(minutes=10)) == 0
        world.clock.advance(11 * 60)
        assert publishing.recover_interrupted(older_than=timedelta(minutes=10)) == 1
    assert world.core.posts().get(alice.user_id, created.post_id).status is PostStatus.PUBLISHED


def test_a_worker_dying_before_the_announcement_still_fans_the_post_out(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The status is stored, then the process dies before ``PostPublished`` is queued: the
    redelivered ``PostCreated`` finds the post published and announces it again."""
    from instagram_core.domain.events import PostPublished

    alice, bob = world.register("alice"), world.register("bob")
    world.follow(bob, alice)
    assert world.core.feed().home(bob.user_id, None, 10).items == []  # bob's feed is cached
    publishing = world.core.publishing()
    publish = publishing._bus.publish
    died: list[PostPublished] = []

    def dies_once_before_announcing(message: object) -> None:
        if isinstance(message, PostPublished) and not died:
            died.append(message)
            raise RuntimeError("the worker died here")
        publish(message)  # type: ignore[arg-type]

    monkeypatch.setattr(publishing._bus, "publish", dies_once_before_announcing)
    post = world.post(alice, "after a crash")
    assert died
    feed = world.core.feed().home(bob.user_id, None, 10)
    assert [item.post_id for item in feed.items] == [post.post_id]

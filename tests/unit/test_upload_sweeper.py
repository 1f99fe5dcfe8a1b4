"""The upload sweeper through the running core (memory adapters, manual clock): what
abandoned uploads leave goes once older than the configured age, and nothing a post or
story claimed is ever touched."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instagram_core.domain.errors import InvalidInput, NotFound, Unavailable
from instagram_core.ports.multipart import MIN_PART_SIZE
from instagram_core.services.posts import NewPost
from instagram_core.services.upload_sweeper import SweepReport, UploadSweeper
from tests.support import jpeg_bytes
from tests.unit.conftest import World, new_world

AGE = timedelta(hours=24)


@pytest.fixture
def sweeping() -> Iterator[World]:
    world = new_world(abandoned_upload_hours=24, upload_sweep_seconds=3600)
    yield world
    world.c.shutdown_resources()


def sweeper(world: World) -> UploadSweeper:
    swept: UploadSweeper = world.core.upload_sweeper()
    return swept


def test_an_unclaimed_original_is_swept_only_after_the_age(sweeping: World) -> None:
    alice = sweeping.register("alice")
    media_id = sweeping.upload(alice)
    media = sweeping.adapters.media().get(media_id)
    assert media is not None
    sweeping.clock.advance(AGE)  # exactly the age: not older than it yet
    assert sweeper(sweeping).sweep() == SweepReport()
    assert sweeping.adapters.blobs().info(media.original_key) is not None
    sweeping.clock.advance(timedelta(seconds=1))
    assert sweeper(sweeping).sweep() == SweepReport(media_removed=1)
    assert sweeping.adapters.media().get(media_id) is None
    assert sweeping.adapters.blobs().info(media.original_key) is None
    with pytest.raises(InvalidInput, match="unknown media"):
        sweeping.core.posts().create(alice.user_id, NewPost([media_id], "too late"))


def test_a_claimed_original_is_never_swept(sweeping: World) -> None:
    alice = sweeping.register("alice")
    post = sweeping.post(alice, "kept")
    story_media = sweeping.upload(alice, purpose="story")
    story = sweeping.core.stories().create(alice.user_id, story_media)
    sweeping.clock.advance(timedelta(days=400))
    assert sweeper(sweeping).sweep().media_removed == 0
    for media_id in (*post.media_ids, story.media_id):
        media = sweeping.adapters.media().get(media_id)
        assert media is not None
        assert media.post_id is not None
        assert sweeping.adapters.blobs().info(media.original_key) is not None


@settings(max_examples=25, deadline=None)
@given(
    ages_hours=st.lists(st.integers(0, 72), min_size=1, max_size=6),
    claimed=st.lists(st.booleans(), min_size=6, max_size=6),
)
def test_exactly_the_unclaimed_media_older_than_the_age_are_swept(
    ages_hours: list[int], claimed: list[bool]
) -> None:
    """Uploads made at various times, some claimed by posts: after one sweep, a media is
    gone iff it was unclaimed and older than the age."""
    world = new_world(abandoned_upload_hours=24)
    try:
        alice = world.register("alice")
        start = world.clock.now()
        made = []
        for hours in sorted(ages_hours, reverse=True):  # oldest uploaded first
            world.clock.set(start + timedelta(hours=72 - hours))
            made.append((world.upload(alice), hours))
        world.clock.set(start + timedelta(hours=72))
        for (media_id, _), claim in zip(made, claimed, strict=False):
            if claim:
                world.core.posts().create(alice.user_id, NewPost([media_id], ""))
        sweeper(world).sweep()
        for (media_id, hours), claim in zip(made, claimed, strict=False):
            gone = world.adapters.media().get(media_id) is None
            assert gone == (not claim and hours > 24), (media_id, hours, claim)
    finally:
        world.c.shutdown_resources()


def test_an_abandoned_multipart_upload_is_aborted_after_the_age(sweeping: World) -> None:
    alice = sweeping.register("alice")
    ticket = sweeping.core.media().request_upload(alice.user_id, "video", "video/mp4")
    media_id = ticket.media.media_id
    started = sweeping.core.media().start_multipart(alice.user_id, media_id)
    uploads = sweeping.adapters.multipart()
    key = ticket.media.original_key
    sweeping.clock.advance(AGE - timedelta(minutes=1))
    assert sweeper(sweeping).sweep().uploads_aborted == 0
    assert uploads.parts(key, started.upload_id) == []  # still there
    sweeping.clock.advance(timedelta(minutes=2))
    report = sweeper(sweeping).sweep()
    assert (report.uploads_aborted, report.media_removed) == (1, 1)
    with pytest.raises(NotFound):
        uploads.parts(key, started.upload_id)


def test_a_finished_upload_of_a_claimed_post_is_not_aborted_or_removed(sweeping: World) -> None:
    """A resumable upload completed and claimed within the window leaves nothing to sweep."""
    alice = sweeping.register("alice")
    ticket = sweeping.core.media().request_upload(alice.user_id, "image", "image/jpeg")
    media_id = ticket.media.media_id
    started = sweeping.core.media().start_multipart(alice.user_id, media_id)
    uploads = sweeping.adapters.multipart()
    sent = uploads.put_part(
        ticket.media.original_key, started.upload_id, 1, [jpeg_bytes()], MIN_PART_SIZE
    )
    sweeping.core.media().complete_multipart(alice.user_id, media_id, started.upload_id)
    assert sent.part_number == 1
    sweeping.core.posts().create(alice.user_id, NewPost([media_id], "resumed"))
    sweeping.clock.advance(timedelta(days=3))
    assert sweeper(sweeping).sweep() == SweepReport()


def test_sweeps_run_once_per_interval_on_the_clock(sweeping: World) -> None:
    alice = sweeping.register("alice")
    swept = sweeper(sweeping)
    assert swept.sweep_if_due() == SweepReport()  # never swept: due at once
    sweeping.upload(alice)
    sweeping.clock.advance(AGE + timedelta(minutes=1))  # due again, and one is old
    assert swept.sweep_if_due() == SweepReport(media_removed=1)
    sweeping.upload(alice)
    sweeping.clock.advance(timedelta(minutes=59))
    assert swept.sweep_if_due() is None  # within the hour
    sweeping.clock.advance(AGE)
    assert swept.sweep_if_due() == SweepReport(media_removed=1)


def test_files_that_cannot_be_deleted_leave_the_record_for_the_next_sweep(
    sweeping: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = sweeping.register("alice")
    media_id = sweeping.upload(alice)
    sweeping.clock.advance(AGE * 2)
    blobs = sweeping.adapters.blobs()

    def down(prefix: str) -> int:
        raise Unavailable("blob store down")

    monkeypatch.setattr(blobs, "delete_prefix", down)
    with pytest.raises(Unavailable):
        sweeper(sweeping).sweep()
    assert sweeping.adapters.media().get(media_id) is not None
    monkeypatch.undo()
    assert sweeper(sweeping).sweep().media_removed == 1


@pytest.mark.parametrize("age", [timedelta(minutes=15), timedelta(0), -AGE])
def test_an_age_an_upload_in_progress_could_reach_is_refused(
    sweeping: World, age: timedelta
) -> None:
    with pytest.raises(ValueError, match="exceed"):
        UploadSweeper(
            sweeping.clock, sweeping.adapters.media(), sweeping.adapters.blobs(), max_age=age
        )

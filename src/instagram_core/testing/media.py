"""Contract of :class:`~instagram_core.ports.MediaStore`.

Provide ``new_media_store``: a fixture returning a factory of fresh, empty stores (the
property test needs one per example).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instagram_core.domain.errors import Conflict, NotFound
from instagram_core.domain.media import (
    GeoPoint,
    Media,
    MediaStatus,
    MediaType,
    PhotoMetadata,
    Variant,
)
from instagram_core.ports import MediaStore
from instagram_core.testing.hypothesis_settings import CONTRACT_HEALTH_CHECKS

T0 = datetime(2024, 5, 17, 9, 30, 0, 654321, tzinfo=UTC)


def make_media(media_id: int = 1, **changes: Any) -> Media:
    media = Media(media_id, "ann", MediaType.IMAGE, "image/jpeg", T0)
    return attrs.evolve(media, **changes)


def ready_media(media_id: int = 1) -> Media:
    return make_media(
        media_id,
        status=MediaStatus.READY,
        width=4032,
        height=3024,
        variants=(
            Variant("thumb_150", "ann/2024/05/1/thumb_150.jpg", 150, 150, "image/jpeg"),
            Variant("large_1080", "ann/2024/05/1/large_1080.jpg", 1080, 810, "image/jpeg"),
        ),
        blurhash="LEHV6nWB2yk8pyo0adR*.7kCMdnj",
        metadata=PhotoMetadata(
            camera="Pixel 8", taken_at="2024:05:17 09:29:58", gps=GeoPoint(48.8584, 2.2945)
        ),
    )


class MediaStoreContract:
    """The behaviour every adapter of the port must show. Subclass it in a test module (as
    ``Test<YourAdapter>``) and provide the adapter's fixture: see the module docstring."""

    @pytest.fixture
    def media_store(self, new_media_store: Callable[[], MediaStore]) -> MediaStore:
        return new_media_store()

    @pytest.mark.parametrize(
        "media",
        [
            make_media(),
            ready_media(),
            make_media(status=MediaStatus.FAILED, failure_reason="not an image", post_id=9),
            make_media((1 << 63) - 1, type=MediaType.VIDEO, content_type="video/mp4"),
        ],
    )
    def test_add_then_get_returns_the_record(self, media_store: MediaStore, media: Media) -> None:
        media_store.add(media)
        assert media_store.get(media.media_id) == media

    def test_add_with_a_taken_media_id_conflicts(self, media_store: MediaStore) -> None:
        media_store.add(make_media())
        with pytest.raises(Conflict):
            media_store.add(make_media(owner_id="bob"))
        assert media_store.get(1) == make_media()

    def test_get_of_a_missing_record_is_none(self, media_store: MediaStore) -> None:
        assert media_store.get(404) is None

    def test_get_many_leaves_missing_ids_out(self, media_store: MediaStore) -> None:
        media_store.add(make_media(1))
        media_store.add(ready_media(2))
        assert media_store.get_many([2, 404, 1, 1]) == {1: make_media(1), 2: ready_media(2)}
        assert media_store.get_many([]) == {}

    def test_update_replaces_the_record(self, media_store: MediaStore) -> None:
        media_store.add(make_media())
        media_store.update(ready_media())
        assert media_store.get(1) == ready_media()

    def test_update_of_a_missing_record_raises_not_found(self, media_store: MediaStore) -> None:
        with pytest.raises(NotFound):
            media_store.update(ready_media())
        assert media_store.get(1) is None

    def test_attach_claims_unattached_media(self, media_store: MediaStore) -> None:
        media_store.add(ready_media())
        assert media_store.attach(1, 100) is True
        assert media_store.get(1) == attrs.evolve(ready_media(), post_id=100)

    def test_attach_again_for_the_same_post_returns_true(self, media_store: MediaStore) -> None:
        media_store.add(make_media())
        media_store.attach(1, 100)
        assert media_store.attach(1, 100) is True
        assert media_store.get(1) == make_media(post_id=100)

    def test_attach_to_another_post_returns_false_and_changes_nothing(
        self,
        media_store: MediaStore,
    ) -> None:
        media_store.add(make_media())
        media_store.attach(1, 100)
        assert media_store.attach(1, 200) is False
        assert media_store.get(1) == make_media(post_id=100)

    def test_attach_of_missing_media_returns_false_and_creates_nothing(
        self,
        media_store: MediaStore,
    ) -> None:
        assert media_store.attach(404, 100) is False
        assert media_store.get(404) is None

    def test_only_one_of_many_racing_posts_claims_the_media(self, media_store: MediaStore) -> None:
        media_store.add(make_media())
        start = threading.Barrier(20)
        results: dict[int, bool] = {}

        def claim(post_id: int) -> None:
            start.wait()
            results[post_id] = media_store.attach(1, post_id)

        threads = [threading.Thread(target=claim, args=(100 + n,)) for n in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        winners = [post_id for post_id, won in results.items() if won]
        assert len(winners) == 1
        assert media_store.get(1) == make_media(post_id=winners[0])

    def test_delete_removes_the_record(self, media_store: MediaStore) -> None:
        media_store.add(make_media(1))
        media_store.add(make_media(2))
        media_store.delete(1)
        assert media_store.get(1) is None
        assert media_store.get_many([1, 2]) == {2: make_media(2)}
        assert media_store.attach(1, 100) is False

    def test_delete_of_a_missing_record_is_a_no_op(self, media_store: MediaStore) -> None:
        media_store.add(make_media(1))
        media_store.delete(404)
        assert media_store.get_many([1, 404]) == {1: make_media(1)}

    @settings(max_examples=40, deadline=None, suppress_health_check=[*CONTRACT_HEALTH_CHECKS])
    @given(claims=st.lists(st.tuples(st.integers(1, 3), st.integers(100, 103)), max_size=20))
    def test_the_first_claim_of_each_media_wins_for_good(
        self, new_media_store: Callable[[], MediaStore], claims: list[tuple[int, int]]
    ) -> None:
        store = new_media_store()
        store.add(make_media(1))
        store.add(make_media(2))
        owner: dict[int, int] = {}  # media id -> the post that claimed it first; media 3 is missing
        for media_id, post_id in claims:
            expected = media_id != 3 and owner.setdefault(media_id, post_id) == post_id
            assert store.attach(media_id, post_id) is expected
        assert {m.media_id: m.post_id for m in store.get_many([1, 2, 3]).values()} == {
            1: owner.get(1),
            2: owner.get(2),
        }

    def test_video_duration_and_story_purpose_round_trip(self, media_store: MediaStore) -> None:
        video = attrs.evolve(
            make_media(7), type=MediaType.VIDEO, duration_seconds=12.5, for_story=True
        )
        media_store.add(video)
        assert media_store.get(7) == video

    def test_types_of_existing_media_only(self, media_store: MediaStore) -> None:
        media_store.add(make_media(1))
        media_store.add(make_media(2, type=MediaType.VIDEO))
        assert dict(media_store.types([1, 2, 3])) == {1: MediaType.IMAGE, 2: MediaType.VIDEO}

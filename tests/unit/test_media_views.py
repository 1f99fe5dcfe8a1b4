"""Media views are built in batches and those of ready media are reused while their signed
URLs have most of their lifetime left."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import parse_qs, urlsplit

import pytest

from instagram_core.domain.media import Media
from instagram_core.services.media_views import MediaViews
from tests.support import photo
from tests.unit.conftest import World


class CountingMedia:
    """The world's media store, counting batch reads."""

    def __init__(self, world: World) -> None:
        self.inner = world.adapters.media()
        self.reads: list[set[int]] = []

    def get_many(self, media_ids: Iterable[int]) -> Mapping[int, Media]:
        wanted = set(media_ids)
        self.reads.append(wanted)
        return self.inner.get_many(wanted)


@pytest.fixture
def counted(world: World) -> tuple[MediaViews, CountingMedia]:
    media = CountingMedia(world)
    views = MediaViews(media, world.adapters.blobs(), world.clock, url_ttl=3600)  # type: ignore[arg-type]
    return views, media


def expires(url: str) -> int:
    return int(parse_qs(urlsplit(url).query)["expires"][0])


def test_a_ready_media_view_is_reused_then_renewed(
    world: World, counted: tuple[MediaViews, CountingMedia]
) -> None:
    views, media = counted
    alice = world.register("alice")
    media_id = world.post(alice).media_ids[0]
    first = views.many([(media_id, False)])[(media_id, False)]
    assert views.many([(media_id, False)])[(media_id, False)] is first
    assert media.reads == [{media_id}]
    world.clock.advance(599)  # a sixth of the URL lifetime, less a second
    assert views.many([(media_id, False)])[(media_id, False)] is first
    world.clock.advance(1)
    renewed = views.many([(media_id, False)])[(media_id, False)]
    assert len(media.reads) == 2
    url, again = first.variants["thumb_150"][0].url, renewed.variants["thumb_150"][0].url
    assert expires(again) > expires(url)
    assert expires(url) - world.clock.now().timestamp() >= 3000  # at least 5/6 h left


def test_owners_and_others_get_their_own_views(
    world: World, counted: tuple[MediaViews, CountingMedia]
) -> None:
    views, _ = counted
    alice = world.register("alice")
    media_id = world.post(alice, data=photo("gps_DSCN0010.jpg")).media_ids[0]
    found = views.many([(media_id, True), (media_id, False)])
    own, other = found[(media_id, True)].metadata, found[(media_id, False)].metadata
    assert own is not None
    assert own.gps is not None
    assert other is not None
    assert other.gps is None
    again = views.many([(media_id, False)])[(media_id, False)].metadata
    assert again is not None
    assert again.gps is None


def test_media_not_ready_are_built_every_time_and_unknown_ones_left_out(
    world: World, counted: tuple[MediaViews, CountingMedia]
) -> None:
    views, media = counted
    alice = world.register("alice")
    ticket = world.core.media().request_upload(alice.user_id, "image", "image/jpeg")
    waiting = ticket.media.media_id
    assert views.many([(waiting, True), (123, False)]).keys() == {(waiting, True)}
    views.many([(waiting, True)])
    assert len(media.reads) == 2


def test_the_number_of_views_kept_is_bounded(world: World) -> None:
    media = CountingMedia(world)
    views = MediaViews(media, world.adapters.blobs(), world.clock, 3600, max_views=1)  # type: ignore[arg-type]
    alice = world.register("alice")
    first, second = world.post(alice).media_ids[0], world.post(alice).media_ids[0]
    views.many([(first, False)])
    views.many([(second, False)])
    views.many([(first, False)])  # pushed out by the second: read again
    assert media.reads == [{first}, {second}, {first}]

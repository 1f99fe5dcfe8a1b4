"""Hashtag and place pages, and places near a point (``docs/search.md``)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter

from instagram_core.domain.pagination import DEFAULT_PAGE_SIZE
from instagram_core.domain.users import User
from instagram_core.services.discovery import DiscoveryService, parse_order
from instagram_entrypoints.http import presenters, schemas
from instagram_entrypoints.http.params import PageLimit

Order = Annotated[str, QueryParameter(description="top (likes + 2 x comments) or recent.")]


class HashtagsController(Controller):
    path = "/hashtags"
    tags = ["discovery"]

    @get("/{tag:str}", sync_to_thread=True)
    def read(
        self,
        tag: FromPath[str],
        viewer: NamedDependency[User],
        discovery: NamedDependency[DiscoveryService],
    ) -> schemas.HashtagOut:
        """The tag and how many of its posts the viewer may see (a private account's posts
        count for its approved followers only; blocked accounts' never)."""
        cleaned, count = discovery.hashtag(viewer.user_id, tag)
        return schemas.HashtagOut(cleaned, count)

    @get("/{tag:str}/posts", sync_to_thread=True)
    def posts(
        self,
        tag: FromPath[str],
        viewer: NamedDependency[User],
        discovery: NamedDependency[DiscoveryService],
        order: Order = "top",
        cursor: FromQuery[str | None] = None,
        limit: PageLimit = DEFAULT_PAGE_SIZE,
    ) -> schemas.PostPage:
        page = discovery.hashtag_posts(viewer.user_id, tag, parse_order(order), cursor, limit)
        return schemas.PostPage([presenters.post(v) for v in page.items], page.next_cursor)


Latitude = Annotated[float, QueryParameter(description="Degrees, -90 to 90.")]
Longitude = Annotated[float, QueryParameter(description="Degrees, -180 to 180.")]
Radius = Annotated[float, QueryParameter(description="Kilometres, above 0 and at most 100.")]


class LocationsController(Controller):
    path = "/locations"
    tags = ["discovery"]

    @get("/nearby", sync_to_thread=True)
    def nearby(
        self,
        viewer: NamedDependency[User],
        discovery: NamedDependency[DiscoveryService],
        lat: Latitude,
        lng: Longitude,
        radius_km: Radius = 5.0,
        limit: PageLimit = DEFAULT_PAGE_SIZE,
    ) -> schemas.NearbyPlaces:
        """Places with a post the viewer may see within ``radius_km``, nearest first."""
        found = discovery.nearby(viewer.user_id, lat, lng, radius_km, limit)
        return schemas.NearbyPlaces([presenters.nearby_place(n) for n in found])

    @get("/{place_id:str}", sync_to_thread=True)
    def read(
        self,
        place_id: FromPath[str],
        viewer: NamedDependency[User],
        discovery: NamedDependency[DiscoveryService],
    ) -> schemas.PlaceOut:
        return presenters.place(discovery.place(viewer.user_id, place_id))

    @get("/{place_id:str}/posts", sync_to_thread=True)
    def posts(
        self,
        place_id: FromPath[str],
        viewer: NamedDependency[User],
        discovery: NamedDependency[DiscoveryService],
        cursor: FromQuery[str | None] = None,
        limit: PageLimit = DEFAULT_PAGE_SIZE,
    ) -> schemas.PostPage:
        """Newest first; a place with no post the viewer may see is a 404."""
        page = discovery.place_posts(viewer.user_id, place_id, cursor, limit)
        return schemas.PostPage([presenters.post(v) for v in page.items], page.next_cursor)

"""Stories on the production profile with a short lifetime: Cassandra's TTL takes the story
out of every tray when it expires, and the owner's archive keeps it."""

from __future__ import annotations

import time
from collections.abc import Iterator

import attrs
import httpx
import pytest
from litestar.testing import TestClient

from instagram_adapters.cassandra.session import CassandraSession
from instagram_adapters.cassandra.settings import CassandraSettings
from instagram_adapters.cassandra.stories import CassandraStoryStore
from instagram_entrypoints.config import Settings
from instagram_entrypoints.containers import build_container
from instagram_entrypoints.http.app import create_app
from tests.integration.conftest import Api
from tests.support import photo

LIFETIME_SECONDS = 3


@pytest.fixture
def settings(prod_settings: Settings) -> Settings:
    return attrs.evolve(prod_settings, story_lifetime_seconds=LIFETIME_SECONDS)


@pytest.fixture
def api(settings: Settings) -> Iterator[Api]:
    container = build_container(settings)
    with TestClient(create_app(container=container)) as client:
        yield Api(client, container)


def story_media(api: Api, auth: dict[str, str]) -> str:
    ticket = api.client.get(
        "/api/v1/media/upload-url",
        params={"type": "image", "content_type": "image/jpeg", "purpose": "story"},
        headers=auth,
    ).json()
    put = httpx.put(ticket["upload_url"], content=photo("Canon_40D.jpg"), headers=ticket["headers"])
    assert put.status_code == 200, put.text
    return str(ticket["media_id"])


def test_a_story_expires_by_cassandra_ttl_and_stays_in_the_archive(
    api: Api, settings: Settings
) -> None:
    alice, bob = api.register("alice"), api.register("bob")
    api.client.post("/api/v1/users/alice/follow", headers=bob)
    created = api.client.post(
        "/api/v1/stories", json={"media_id": story_media(api, alice)}, headers=alice
    )
    assert created.status_code == 201, created.text
    story_id = int(created.json()["story_id"])
    api.container.core.running_bus().drain(20)
    trays = api.client.get("/api/v1/stories/feed", headers=bob).json()["story_trays"]
    assert [s["story_id"] for t in trays for s in t["stories"]] == [str(story_id)]
    author_id = trays[0]["user"]["user_id"]

    time.sleep(LIFETIME_SECONDS)
    assert api.client.get("/api/v1/stories/feed", headers=bob).json()["story_trays"] == []
    archive = api.client.get("/api/v1/stories/archive", headers=alice).json()
    assert [s["story_id"] for s in archive["items"]] == [str(story_id)]
    assert api.client.get("/api/v1/stories/archive", headers=bob).json()["items"] == []
    forged = api.client.get("/api/v1/stories/archive", params={"cursor": "x'"}, headers=alice)
    assert forged.status_code == 400
    assert forged.json()["error"]["code"] == "malformed_cursor"

    cassandra = CassandraSettings.from_config(
        settings.cassandra_contact_points,
        settings.cassandra_port,
        settings.cassandra_keyspace,
        settings.cassandra_local_dc,
        settings.cassandra_replication,
        30.0,
    )
    session = CassandraSession.connect(cassandra, cassandra.keyspace)
    try:
        deadline = time.monotonic() + 10  # the TTL is whole seconds, rounded up
        while (
            time.monotonic() < deadline
            and session.execute(
                "SELECT story_id FROM stories_by_id WHERE story_id = ?", (story_id,)
            ).one()
        ):
            time.sleep(0.25)
        for table in ("stories_by_id", "stories"):
            key = "story_id" if table == "stories_by_id" else "author_id"
            value = story_id if key == "story_id" else author_id
            rows = session.execute(f"SELECT story_id FROM {table} WHERE {key} = ?", (value,))
            assert rows.one() is None, table
        archive = CassandraStoryStore(session, api.container.adapters.clock())
        assert [s.story_id for s in archive.archived(author_id, None, 5)] == [story_id]
    finally:
        session.close()

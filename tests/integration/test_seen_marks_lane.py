"""On the embedded profile a feed page's seen marks skip the durable queue: no bus job is
written on the request, the marks still reach the seen store, and a shutdown writes the
marks still buffered."""

from __future__ import annotations

from pathlib import Path

from litestar.testing import TestClient

from instagram_adapters.memory.best_effort import BestEffortLane
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_entrypoints.containers import build_container
from instagram_entrypoints.http.app import create_app
from tests.integration.conftest import Api, embedded_settings
from tests.support import photo


def seen_rows(database: SqliteDatabase) -> set[int]:
    return {row[0] for row in database.query("SELECT post_id FROM seen_posts")}


def test_seen_marks_reach_the_store_without_a_durable_job(tmp_path: Path) -> None:
    container = build_container(embedded_settings(tmp_path / "data"))
    with TestClient(create_app(container=container)) as client:
        api = Api(client, container)
        alice, bob = api.register("alice"), api.register("bob")
        assert client.post("/api/v1/users/alice/follow", headers=bob).status_code == 200
        posts = {int(api.publish(alice, photo("Canon_40D.jpg"))["post_id"]) for _ in range(2)}
        database = container.adapters.database()
        lane = container.core.hint_lane()
        assert isinstance(lane, BestEffortLane)
        assert container.core.running_bus().drain(30)
        assert database.query("SELECT COUNT(*) FROM bus_jobs")[0][0] == 0

        page = client.get("/api/v1/feed", headers=bob)
        assert page.status_code == 200
        assert {int(p["post_id"]) for p in page.json()["items"]} == posts
        # The request queued nothing durable: the marks wait in the lane.
        assert database.query("SELECT COUNT(*) FROM bus_jobs")[0][0] == 0
        assert lane.flush(timeout=30)
        assert seen_rows(database) == posts
        assert lane.written >= 1

        third = int(api.publish(alice, photo("Canon_40D.jpg"))["post_id"])
        assert client.get("/api/v1/feed", headers=bob).status_code == 200
    # The app's shutdown stopped the lane, which wrote what it still held.
    reopened = SqliteDatabase(tmp_path / "data" / "instagram.sqlite3")
    try:
        assert seen_rows(reopened) == posts | {third}
    finally:
        reopened.close()

"""On the Kafka profile a page shown skips the MySQL outbox: the hint lane hands it to the
producer, a worker consumes it, and the seen mark lands in the affinity store (Cassandra)
with no outbox row written for it."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import msgspec
import pytest
from litestar.testing import TestClient

from instagram_adapters.mysql.outbox import MySqlOutbox, OutboxRecord
from instagram_core.services.handlers import WORKER_KINDS
from instagram_entrypoints.config import Settings
from instagram_entrypoints.containers import build_container
from instagram_entrypoints.http.app import create_app
from instagram_entrypoints.kafka_bus import create_topics, run_workers, worker_container
from tests.integration.conftest import Api
from tests.integration.kafka_fleet import kafka_settings
from tests.support import photo

__all__ = ["kafka_settings"]  # fixture


def _types(records: Sequence[OutboxRecord]) -> list[str]:
    return [str(msgspec.json.decode(r.payload)["type"]) for r in records]


@pytest.mark.timeout(600)  # a hang guard: Kafka, Cassandra and a worker on a loaded runner
def test_a_page_shown_reaches_the_affinity_store_without_an_outbox_row(
    kafka_settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    written: list[str] = []
    append, hold = MySqlOutbox.append, MySqlOutbox.hold

    def recorded_append(outbox: MySqlOutbox, records: Sequence[OutboxRecord]) -> None:
        written.extend(_types(records))
        append(outbox, records)

    def recorded_hold(outbox: MySqlOutbox, record: OutboxRecord) -> int:
        written.extend(_types([record]))
        return hold(outbox, record)

    monkeypatch.setattr(MySqlOutbox, "append", recorded_append)
    monkeypatch.setattr(MySqlOutbox, "hold", recorded_hold)
    create_topics(kafka_settings)

    workers = worker_container(kafka_settings, "all")
    workers.init_resources()
    stop = threading.Event()
    consuming = threading.Thread(
        target=run_workers,
        args=(workers, kafka_settings, list(WORKER_KINDS), stop),
    )
    consuming.start()
    try:
        container = build_container(kafka_settings)
        with TestClient(create_app(container=container)) as client:
            api = Api(client, container)
            alice, bob = api.register("alice"), api.register("bob")
            assert client.post("/api/v1/users/alice/follow", headers=bob).status_code == 200
            media_id = api.upload(alice, photo("mobile_jolla.jpg"))
            created = client.post("/api/v1/posts", json={"media_ids": [media_id]}, headers=alice)
            assert created.status_code == 201, created.text
            post_id = int(created.json()["post_id"])
            bob_user = container.adapters.users().by_username("bob")
            assert bob_user is not None
            bob_id = bob_user.user_id
            affinity = container.adapters.affinity()

            def seen() -> frozenset[int]:
                now = datetime.now(UTC)
                return affinity.history(bob_id, [], [], [post_id], now).seen

            deadline = time.monotonic() + 120
            shown: list[int] = []
            while time.monotonic() < deadline and not shown:  # fanned out by the worker
                time.sleep(0.1)
                items = client.get("/api/v1/feed", headers=bob).json()["items"]
                shown = [int(p["post_id"]) for p in items]
            assert shown == [post_id]
            while time.monotonic() < deadline and not seen():
                time.sleep(0.1)
            assert seen() == {post_id}
    finally:
        stop.set()
        consuming.join(120)
        workers.shutdown_resources()
    assert not consuming.is_alive()
    # The follow and the post went through the outbox; the page shown did not.
    assert "FollowCreated" in written
    assert "PostCreated" in written
    assert "FeedPageShown" not in written

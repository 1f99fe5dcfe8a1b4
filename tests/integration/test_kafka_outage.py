"""Kafka stopped under a running fleet (an API process and ``worker all``, separate OS
processes): the API still accepts follows and posts, because a message is an outbox row in
MariaDB; when Kafka is back, the relay delivers everything: the post is processed and fanned
out, and the follow is notified."""

from __future__ import annotations

import signal
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest

from instagram_adapters.mysql.outbox import MySqlOutbox
from instagram_adapters.mysql.pool import MySqlPool
from instagram_entrypoints.config import Settings
from tests.engines import free_port, missing, wait_for
from tests.integration.kafka_fleet import settings_env, start_worker
from tests.integration.test_kafka_fleet import ready, serve, until
from tests.jvm_engines import KafkaServer, start_kafka
from tests.support import photo


@pytest.fixture
def own_kafka() -> Iterator[KafkaServer]:
    """A broker of this test's own: stopping it must not disturb the session's."""
    server = start_kafka()
    if server is None:
        missing("Kafka (java and mvn, to fetch it from Maven Central)")
    assert server is not None
    yield server
    server.stop()


@pytest.mark.slow
@pytest.mark.timeout(600)  # API and worker processes, a broker stopped and restarted
def test_with_kafka_stopped_the_api_accepts_writes_and_everything_arrives_after(
    prod_settings: Settings, own_kafka: KafkaServer, tmp_path: Path
) -> None:
    settings = attrs.evolve(
        prod_settings,
        kafka_bootstrap_servers=own_kafka.bootstrap_servers,
        kafka_topic_prefix=f"out{uuid.uuid4().hex[:8]}",
        kafka_partitions=2,
        bus_backoff_seconds=0.1,
    )
    env = settings_env(settings)
    log = tmp_path / "fleet.log"
    port = free_port()
    processes = [serve(env, port, 1, log), start_worker(env, "all", log)]
    api = f"http://127.0.0.1:{port}/api/v1"
    outbox_pool = MySqlPool.from_url(settings.mysql_url, size=1)
    outbox = MySqlOutbox(outbox_pool)
    try:
        wait_for(lambda: ready(api.removesuffix("/api/v1")), "the API", timeout=180)
        auth = {}
        for name in ("alice", "bob"):
            body = {"username": name, "password": "correct horse"}
            assert httpx.post(f"{api}/accounts", json=body, timeout=30).status_code == 201
            token = httpx.post(f"{api}/auth/token", json=body, timeout=30).json()
            auth[name] = {"Authorization": f"Bearer {token['access_token']}"}

        own_kafka.stop()
        followed = httpx.post(f"{api}/users/alice/follow", headers=auth["bob"], timeout=30)
        assert followed.status_code == 200, followed.text
        assert followed.json() == {"status": "active"}
        ticket = httpx.get(
            f"{api}/media/upload-url",
            params={"type": "image", "content_type": "image/jpeg"},
            headers=auth["alice"],
            timeout=30,
        ).json()
        put = httpx.put(
            ticket["upload_url"], content=photo("mobile_jolla.jpg"), headers=ticket["headers"]
        )
        assert put.status_code == 200
        created = httpx.post(
            f"{api}/posts",
            json={"media_ids": [ticket["media_id"]]},
            headers=auth["alice"],
            timeout=30,
        )
        assert created.status_code == 201, created.text
        post_id = created.json()["post_id"]
        assert outbox.pending() >= 2  # the follow and the post wait in MariaDB

        own_kafka.start()

        def published() -> bool:
            post = httpx.get(f"{api}/posts/{post_id}", headers=auth["alice"], timeout=30)
            return bool(post.json()["status"] == "published")

        until(published, "the post published (media worker)", timeout=180)

        def feed() -> list[dict[str, Any]]:
            page = httpx.get(f"{api}/feed", headers=auth["bob"], timeout=30).json()
            return list(page["items"])

        [item] = until(feed, "the post in bob's feed (fan-out worker)", timeout=120)
        assert item["post_id"] == post_id

        def follow_notified() -> bool:
            notes = httpx.get(f"{api}/notifications", headers=auth["alice"], timeout=30)
            return any(n["kind"] == "follow" for n in notes.json()["items"])

        until(follow_notified, "alice's follow notification (notification worker)", 120)
        until(lambda: outbox.pending() == 0, "the outbox relayed", timeout=60)
    except AssertionError:
        print(log.read_text()[-5000:])  # the fleet's log explains a failure
        raise
    finally:
        outbox_pool.close()
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(60)

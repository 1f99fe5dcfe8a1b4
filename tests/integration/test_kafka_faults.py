"""Fault tests on real processes: the fan-out worker killed by SIGKILL in the middle of a
5,000-follower fan-out, then started again; every follower ends with the post, once."""

from __future__ import annotations

import os
import signal
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis
from litestar.testing import TestClient

from instagram_core.domain.media import VARIANT_SPECS
from instagram_core.domain.social import Follow, FollowStatus
from instagram_core.domain.users import User
from instagram_entrypoints.config import Settings
from instagram_entrypoints.containers import build_container
from instagram_entrypoints.http.app import create_app
from tests.integration.conftest import Api
from tests.integration.kafka_fleet import fleet_env, kafka_settings, start_worker
from tests.support import photo

__all__ = ["fleet_env", "kafka_settings"]  # fixtures

FOLLOWERS = int(os.environ.get("H10_FOLLOWERS", "5000"))


def feeds_with(client: redis.Redis, followers: list[str], post_id: int) -> int:
    pipe = client.pipeline(transaction=False)
    for follower in followers:
        pipe.zscore(f"feed:{follower}", f"{post_id:019d}")
    return sum(score is not None for score in pipe.execute())


@pytest.mark.slow
@pytest.mark.timeout(600)  # worker and API processes on a real broker
def test_a_fanout_worker_killed_mid_fanout_loses_and_doubles_nothing(
    kafka_settings: Settings, fleet_env: dict[str, str], tmp_path: Path
) -> None:
    settings = kafka_settings
    env = {**fleet_env, "INSTAGRAM_FANOUT_CHUNK": "50"}  # 100 jobs: a kill lands mid-way
    container = build_container(settings)
    log = tmp_path / "workers.log"
    media = start_worker(env, "media", log)
    fanout = start_worker(env, "fanout", log)
    try:
        with TestClient(create_app(container=container)) as client:
            api = Api(client, container)
            alice = api.register("alice")
            author = container.adapters.users().by_username("alice")
            users, graph, feeds = (
                container.adapters.users(),
                container.adapters.graph(),
                container.adapters.feeds(),
            )
            now = datetime.now(UTC)
            followers = []
            for n in range(FOLLOWERS):
                user = User(uuid.uuid4().hex, f"f{n}", f"f{n}", now)
                users.add(user, "not-a-real-hash")
                graph.put(Follow(user.user_id, author.user_id, FollowStatus.ACTIVE, now))
                feeds.add_many(user.user_id, [])  # an active reader: fan-out pushes to it
                followers.append(user.user_id)
            store = redis.Redis.from_url(settings.redis_url)

            media_id = api.upload(alice, photo("mobile_jolla.jpg"))
            created = client.post("/api/v1/posts", json={"media_ids": [media_id]}, headers=alice)
            post_id = int(created.json()["post_id"])
            deadline = time.monotonic() + 120
            reached = 0
            while reached == 0 and time.monotonic() < deadline:
                reached = feeds_with(store, followers, post_id)
                time.sleep(0.01)
            fanout.send_signal(signal.SIGKILL)
            fanout.wait(10)
            at_kill = feeds_with(store, followers, post_id)
            assert 0 < at_kill < FOLLOWERS, at_kill  # killed in the middle

            fanout = start_worker(env, "fanout", log)
            deadline = time.monotonic() + 120
            while feeds_with(store, followers, post_id) < FOLLOWERS:
                assert time.monotonic() < deadline, log.read_text()[-3000:]
                time.sleep(0.2)
            for follower in followers:
                page = feeds.page(follower, None, 10)
                assert page is not None
                assert list(page).count(post_id) == 1
    finally:
        for process in (media, fanout):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(60)


@pytest.mark.slow
@pytest.mark.timeout(600)  # worker and API processes on a real broker
def test_a_media_worker_killed_while_a_post_processes_publishes_it_after_restart(
    kafka_settings: Settings, fleet_env: dict[str, str], tmp_path: Path
) -> None:
    """SIGKILL to the media worker (and so to its pool) while a post is still processing;
    the next media worker gets the uncommitted message: the post ends published with every
    variant, once."""
    container = build_container(kafka_settings)
    log = tmp_path / "workers.log"
    media = start_worker(fleet_env, "media", log)
    try:
        with TestClient(create_app(container=container)) as client:
            api = Api(client, container)
            alice = api.register("alice")
            media_id = api.upload(alice, photo("mobile_jolla.jpg"))
            created = client.post("/api/v1/posts", json={"media_ids": [media_id]}, headers=alice)
            post_id = created.json()["post_id"]
            media.send_signal(signal.SIGKILL)
            media.wait(10)
            status = client.get(f"/api/v1/posts/{post_id}", headers=alice).json()["status"]
            assert status == "processing"  # killed before the post was done

            media = start_worker(fleet_env, "media", log)
            deadline = time.monotonic() + 120
            post = {"status": "processing"}
            while post["status"] == "processing":
                assert time.monotonic() < deadline, log.read_text()[-3000:]
                time.sleep(0.1)
                post = client.get(f"/api/v1/posts/{post_id}", headers=alice).json()
            assert post["status"] == "published", post
            [item] = post["media"]
            assert set(item["variants"]) == {spec.name for spec in VARIANT_SPECS}
            same = client.get(f"/api/v1/posts/{post_id}", headers=alice).json()
            assert same["media"] == post["media"]
    finally:
        if media.poll() is None:
            media.send_signal(signal.SIGTERM)
            media.wait(60)

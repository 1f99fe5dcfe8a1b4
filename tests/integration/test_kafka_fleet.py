"""End to end on the production profile as separate OS processes: API 1 (``serve
--processes 2``), API 2 (``serve``) and ``worker all``, joined by Kafka. Writes go to API 1,
reads to API 2: the story still holds, and a like made through API 1 shows at once in a
feed page API 2 had cached."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.engines import free_port, wait_for
from tests.integration.kafka_fleet import fleet_env, kafka_settings, start_worker
from tests.support import photo

__all__ = ["fleet_env", "kafka_settings"]  # fixtures


def serve(env: dict[str, str], port: int, processes: int, log: Path) -> subprocess.Popen[bytes]:
    command = [
        *(sys.executable, "-c", "from instagram_entrypoints.cli import main; main()"),
        *("serve", "--port", str(port), "--processes", str(processes)),
    ]
    with log.open("ab") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def until(check: Any, what: str, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"{what} not within {timeout} s")


@pytest.mark.slow
@pytest.mark.timeout(600)  # worker and API processes on a real broker
def test_writes_to_one_api_reads_from_another_with_workers_apart(
    fleet_env: dict[str, str], tmp_path: Path
) -> None:
    log = tmp_path / "fleet.log"
    one, two = free_port(), free_port()
    processes = [
        serve(fleet_env, one, 2, log),
        serve(fleet_env, two, 1, log),
        start_worker(fleet_env, "all", log),
    ]
    api1, api2 = f"http://127.0.0.1:{one}/api/v1", f"http://127.0.0.1:{two}/api/v1"
    try:
        for base in (api1, api2):
            wait_for(lambda b=base: ready(b.removesuffix("/api/v1")), "the API", timeout=180)
        auth = {}
        for name in ("alice", "bob"):
            body = {"username": name, "password": "correct horse"}
            assert httpx.post(f"{api1}/accounts", json=body).status_code == 201
            token = httpx.post(f"{api1}/auth/token", json=body).json()["access_token"]
            auth[name] = {"Authorization": f"Bearer {token}"}
        followed = httpx.post(f"{api1}/users/alice/follow", headers=auth["bob"])
        assert followed.json() == {"status": "active"}

        ticket = httpx.get(
            f"{api1}/media/upload-url",
            params={"type": "image", "content_type": "image/jpeg"},
            headers=auth["alice"],
        ).json()
        put = httpx.put(
            ticket["upload_url"], content=photo("mobile_jolla.jpg"), headers=ticket["headers"]
        )
        assert put.status_code == 200
        created = httpx.post(
            f"{api1}/posts", json={"media_ids": [ticket["media_id"]]}, headers=auth["alice"]
        )
        assert created.status_code == 201, created.text
        post_id = created.json()["post_id"]

        def published() -> bool:
            post = httpx.get(f"{api2}/posts/{post_id}", headers=auth["alice"]).json()
            return post["status"] == "published"

        until(published, "the post published (media worker)")

        def feed() -> list[dict[str, Any]]:
            items: list[dict[str, Any]] = httpx.get(f"{api2}/feed", headers=auth["bob"]).json()[
                "items"
            ]
            return items

        [item] = until(feed, "the post in bob's feed on API 2 (fan-out worker)")
        assert (item["post_id"], item["like_count"]) == (post_id, 0)
        assert feed()[0]["like_count"] == 0  # read again: now a cached page on API 2

        liked = httpx.post(f"{api1}/posts/{post_id}/like", headers=auth["bob"]).json()
        assert liked == {"liked": True, "like_count": 1}
        assert feed()[0]["like_count"] == 1  # at once, through API 2's cache

        notes = until(
            lambda: httpx.get(f"{api2}/notifications", headers=auth["alice"]).json()["items"],
            "alice's notifications (notification worker)",
        )
        assert {n["kind"] for n in notes} >= {"follow"}
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        codes = [process.wait(60) for process in processes]
    # uvicorn re-raises SIGTERM after its graceful shutdown: -15 is a clean exit for it
    assert codes[0] in {0, -signal.SIGTERM}, codes
    assert codes[1] in {0, -signal.SIGTERM}, codes
    assert codes[2] == 0, log.read_text()[-3000:]
    assert log.read_text().count("Application shutdown complete") == 3  # both API processes

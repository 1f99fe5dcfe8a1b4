"""kill -9 of the embedded server (``instagram serve``, one OS process) while work is queued:
the queue lives in the SQLite file, so after a restart on the same data directory every
queued message is handled: the post is published and every follow is notified."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.engines import free_port, wait_for
from tests.integration.test_kafka_fleet import ready, until
from tests.support import photo

FOLLOWERS = 5
PHOTOS = 4


def serve(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", "from instagram_entrypoints.cli import main; main()"]
    with log.open("ab") as out:
        return subprocess.Popen([*command, "serve"], env=env, stdout=out, stderr=subprocess.STDOUT)


def queued(data_dir: Path) -> int:
    """Jobs in the file, read as another process would (read-only)."""
    uri = f"file:{data_dir / 'instagram.sqlite3'}?mode=ro"
    with sqlite3.connect(uri, uri=True, timeout=30) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM bus_jobs").fetchone()[0])


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_work_queued_at_a_kill_9_is_done_after_the_restart(tmp_path: Path) -> None:
    data_dir, log, port = tmp_path / "data", tmp_path / "serve.log", free_port()
    env = {
        **os.environ,
        "INSTAGRAM_PROFILE": "embedded",
        "INSTAGRAM_DATA_DIR": str(data_dir),
        "INSTAGRAM_SECRET_KEY": "kill-nine-secret-" + "x" * 32,
        "INSTAGRAM_PORT": str(port),
        "INSTAGRAM_WORKERS": "1",  # one bus thread: the follows queue behind the photo
        "INSTAGRAM_MEDIA_WORKERS": "0",
    }
    base = f"http://127.0.0.1:{port}"
    api = f"{base}/api/v1"
    server = serve(env, log)
    try:
        wait_for(lambda: ready(base), "the embedded server", timeout=180)
        auth: dict[str, dict[str, str]] = {}
        for name in ["alice", *(f"fan{n}" for n in range(FOLLOWERS))]:
            body = {"username": name, "password": "correct horse"}
            assert httpx.post(f"{api}/accounts", json=body, timeout=60).status_code == 201
            token = httpx.post(f"{api}/auth/token", json=body, timeout=60).json()
            auth[name] = {"Authorization": f"Bearer {token['access_token']}"}
        # A carousel of large photos keeps the one bus thread busy while the follows queue
        # behind it; the kill comes right after the last follow is acknowledged.
        media_ids = []
        for _ in range(PHOTOS):
            ticket = httpx.get(
                f"{api}/media/upload-url",
                params={"type": "image", "content_type": "image/jpeg"},
                headers=auth["alice"],
                timeout=60,
            ).json()
            big = photo("hdr_iphone_hdr_YES.jpg")
            put = httpx.put(
                ticket["upload_url"], content=big, headers=ticket["headers"], timeout=60
            )
            assert put.status_code == 200, put.text
            media_ids.append(ticket["media_id"])
        created = httpx.post(
            f"{api}/posts", json={"media_ids": media_ids}, headers=auth["alice"], timeout=60
        )
        assert created.status_code == 201, created.text
        post_id = created.json()["post_id"]
        for n in range(FOLLOWERS):
            followed = httpx.post(f"{api}/users/alice/follow", headers=auth[f"fan{n}"])
            assert followed.status_code == 200, followed.text
        server.send_signal(signal.SIGKILL)
        server.wait(30)
        # Counted after the kill, from the file: what the restart must finish.
        assert queued(data_dir) > 0, "killed with nothing queued: the test proves nothing"

        server = serve(env, log)
        wait_for(lambda: ready(base), "the embedded server again", timeout=180)

        def published() -> bool:
            post = httpx.get(f"{api}/posts/{post_id}", headers=auth["alice"], timeout=60)
            return bool(post.json()["status"] == "published")

        until(published, "the post published after the restart", timeout=180)

        def follows_notified() -> Any:
            page = httpx.get(f"{api}/notifications", headers=auth["alice"], timeout=60).json()
            follows = [n for n in page["items"] if n["kind"] == "follow"]
            return follows and follows[0]["actor_count"] >= FOLLOWERS

        until(follows_notified, "every follow notified after the restart", timeout=120)
        until(lambda: queued(data_dir) == 0, "the queue empty", timeout=60)
    except AssertionError:
        print(log.read_text()[-5000:])  # the server's log explains a failure
        raise
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            server.wait(60)

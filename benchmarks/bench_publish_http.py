"""Upload to published, end to end through the HTTP API of ``instagram serve`` (embedded
default, one process, its own worker pool): the seed's two-phase publish of a 12-megapixel
photo, timed from asking for the upload URL to reading ``status: published``.

Printed beside the bare cost of moving the same bytes through the same API (the upload PUT
alone), measured in the same run, and against the issue's 1 s goal."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_feed_http import (
    free_port,
    instagram_argv,
    running,
    server_env,
    wait_until,
)

PHOTO = (
    Path(__file__).resolve().parents[1] / "tests" / "data" / "photos" / "tests_42_IndexError.jpg"
)
RUNS = 7
GOAL_SECONDS = 1.0


def token(client: httpx.Client, username: str) -> dict[str, str]:
    body = {"username": username, "password": "correct horse"}
    client.post("/api/v1/accounts", json=body)
    issued = client.post("/api/v1/auth/token", json=body).json()["access_token"]
    return {"Authorization": f"Bearer {issued}"}


def publish_once(client: httpx.Client, auth: dict[str, str], data: bytes) -> tuple[float, float]:
    """(seconds to published, seconds of which the upload PUT took)."""
    start = time.perf_counter()
    ticket = client.get(
        "/api/v1/media/upload-url",
        params={"type": "image", "content_type": "image/jpeg"},
        headers=auth,
    ).json()
    put_start = time.perf_counter()
    client.put(ticket["upload_url"], content=data, headers=ticket["headers"]).raise_for_status()
    put_seconds = time.perf_counter() - put_start
    created = client.post(
        "/api/v1/posts", json={"media_ids": [ticket["media_id"]]}, headers=auth
    ).json()
    while True:
        status = client.get(f"/api/v1/posts/{created['post_id']}", headers=auth).json()["status"]
        if status != "processing":
            break
        time.sleep(0.005)
    if status != "published":
        raise RuntimeError(f"the post ended {status}")
    return time.perf_counter() - start, put_seconds


def main() -> int:
    data = PHOTO.read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        env = server_env({"INSTAGRAM_LOG_LEVEL": "warning"})
        with running(
            "instagram", instagram_argv(port, Path(tmp) / "data"), env, port, Path(tmp)
        ) as server:
            wait_until(server, "/readyz", timeout=60)
            with httpx.Client(base_url=server.base_url, timeout=60) as client:
                auth = token(client, "bench")
                publish_once(client, auth, data)  # warm-up: starts the worker processes
                runs = [publish_once(client, auth, data) for _ in range(RUNS)]
    totals = sorted(total for total, _ in runs)
    puts = sorted(put for _, put in runs)
    median, put = statistics.median(totals), statistics.median(puts)
    print(f"bench_publish_http: {PHOTO.name} ({len(data) / 1e6:.1f} MB, 4032x3024), {RUNS} runs")
    print("  step                                       median ms    max ms")
    print(f"  upload PUT alone (the bytes' own cost)      {put * 1000:9.1f} {puts[-1] * 1000:9.1f}")
    slowest = totals[-1] * 1000
    print(f"  upload URL -> published (end to end)        {median * 1000:9.1f} {slowest:9.1f}")
    verdict = "met" if median < GOAL_SECONDS else "MISSED"
    print(
        f"  goal < {GOAL_SECONDS:.0f} s end to end: {verdict}; processing and publishing "
        f"add {(median - put) * 1000:.0f} ms to the upload itself"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The README's curl tour, run as one block, as a newcomer would paste it: against a real
``instagram serve`` on a fresh data directory, from the repository's root."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.engines import free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
README_ADDRESS = "127.0.0.1:8000"


def tour_block() -> str:
    """The first bash block of the README's "A tour of the API" section."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## A tour of the API") :]
    match = re.search(r"```bash\n(.*?)```", section, re.DOTALL)
    assert match, "the tour has no bash block"
    return match.group(1)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """``instagram serve`` in its own process; yields its address (host:port)."""
    port = free_port()
    command = [sys.executable, "-c", "from instagram_entrypoints.cli import main; main()", "serve"]
    command += ["--port", str(port), "--data-dir", str(tmp_path / "data")]
    log = (tmp_path / "server.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path)
    address = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (tmp_path / "server.log").read_text()
            try:
                if httpx.get(f"http://{address}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        yield address
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.mark.skipif(shutil.which("curl") is None, reason="the tour is written for curl")
def test_the_tour_runs_as_one_block(server: str) -> None:
    script = tour_block().replace(README_ADDRESS, server)
    done = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "gave up waiting" not in done.stderr
    out = done.stdout
    assert re.search(r"^published$", out, re.MULTILINE), out  # the wait loop's result
    assert '"caption":"Beautiful sunset! #nature"' in out  # the post is in bob's feed
    assert '"thumb_150"' in out
    assert '{"liked":true,"like_count":1}' in out
    assert '"text":"Amazing photo!"' in out
    assert "bob liked your post" in out
    assert "bob commented on your post" in out


# Reads of what background work writes: each must come after a wait for that work.
ASYNC_READS = {
    "the post's status": 'curl -s $API/posts/$POST -H "$ALICE" |',
    "bob's feed (fan-out)": 'curl -s $API/feed -H "$BOB"',
    "alice's notifications": 'curl -s $API/notifications -H "$ALICE"',
}


def test_every_read_of_background_work_waits_for_it_first() -> None:
    """A race that shows once in many runs: each such read follows a bounded wait, which
    parses the JSON with Python (never ``grep -q``, which under ``pipefail`` fails the
    pipe by closing it early)."""
    lines = [line for line in tour_block().splitlines() if not line.startswith("#")]
    for what, read in ASYNC_READS.items():
        (index,) = [i for i, line in enumerate(lines) if line.startswith(read)]
        assert lines[index - 1].startswith("wait_for "), what
    assert "grep" not in tour_block()
    assert "for _ in $(seq 60)" in tour_block()  # bounded: 60 polls, half a second apart


def test_the_schema_is_where_the_readme_says(server: str) -> None:
    schema = httpx.get(f"http://{server}/schema/openapi.json", timeout=30).json()
    assert "/api/v1/posts" in schema["paths"]
    assert "/schema/openapi.json" in (ROOT / "README.md").read_text()


def test_no_document_links_outside_the_repository() -> None:
    documents = [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]
    for document in documents:
        assert "../shared" not in document.read_text(), document.name

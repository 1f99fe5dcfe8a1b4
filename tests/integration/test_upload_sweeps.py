"""The running service sweeps abandoned uploads by itself, on the embedded profile: no
request, no command; the schedule of ``INSTAGRAM_UPLOAD_SWEEP_SECONDS`` starts with the
app (see ``entrypoints/schedule.py``)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from litestar.testing import TestClient

from instagram_core.domain.media import Media, MediaType
from instagram_entrypoints.containers import build_container
from instagram_entrypoints.http.app import create_app
from tests.integration.conftest import embedded_settings

PATIENCE = 60.0  # seconds to wait for the first sweep on a loaded machine


def test_serve_sweeps_an_abandoned_upload_and_keeps_a_claimed_one(tmp_path: Path) -> None:
    """An upload abandoned two days ago is gone, record and files, without anyone asking;
    a claimed one of the same age stays."""
    container = build_container(embedded_settings(tmp_path / "data"))
    media_store, blobs = container.adapters.media(), container.adapters.blobs()
    old = datetime.now(UTC) - timedelta(days=2)
    abandoned = Media(1, "u1", MediaType.IMAGE, "image/jpeg", old)
    claimed = Media(2, "u1", MediaType.IMAGE, "image/jpeg", old, post_id=20)
    for media in (abandoned, claimed):
        media_store.add(media)
        blobs.put(media.original_key, b"\xff\xd8 jpeg", "image/jpeg")
    with TestClient(create_app(container=container)):
        deadline = time.monotonic() + PATIENCE  # a bound on waiting, not a timing assertion
        while time.monotonic() < deadline and (
            media_store.get(1) is not None or blobs.info(abandoned.original_key) is not None
        ):  # the record goes first, then the files
            time.sleep(0.05)
        assert media_store.get(1) is None
        assert blobs.info(abandoned.original_key) is None
        assert media_store.get(2) == claimed
        assert blobs.info(claimed.original_key) is not None

"""Cassandra stopped and restarted under the production profile and under its adapters.

What must hold: with Cassandra down, writes to its tables answer 503 with Retry-After (never
500), ``/readyz`` says which stores fail, a cached feed still answers and lists what it could
not hydrate; a timeout is ``Unavailable`` too; after the restart every acknowledged write is
there and the service recovers on its own.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import attrs
import pytest
from litestar.testing import TestClient

from instagram_adapters.cassandra.comments import CassandraCommentStore
from instagram_adapters.cassandra.posts import CassandraPostStore
from instagram_adapters.cassandra.session import CassandraSession
from instagram_core.domain.comments import Comment
from instagram_core.domain.errors import Unavailable
from instagram_core.domain.posts import Post, PostStatus
from instagram_entrypoints.config import Settings
from instagram_entrypoints.containers import build_container
from instagram_entrypoints.http.app import create_app
from tests.cassandra_support import fresh_session, settings_for
from tests.integration.conftest import Api
from tests.jvm_engines import CassandraServer
from tests.support import photo

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
# Stopping and starting Cassandra takes a minute or more on a loaded 2-core machine.
RESTART_BUDGET = pytest.mark.timeout(600)


@pytest.fixture
def cassandra(request: pytest.FixtureRequest) -> CassandraServer:
    server: CassandraServer = request.getfixturevalue("cassandra_server")
    return server


@pytest.fixture
def api(prod_settings: Settings) -> Iterator[Api]:
    """The production app; first feed pages stay cached for the whole outage."""
    settings = attrs.evolve(prod_settings, feed_page_cache_seconds=600.0)
    container = build_container(settings)
    with TestClient(create_app(container=container)) as client:
        yield Api(client, container)


def wait_until(ready: Callable[[], bool], timeout: float = 90) -> None:
    """Poll ``ready()`` until true: the driver reconnects on its own, within seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.5)
    raise AssertionError("not ready in time")


def reconnected(request: pytest.FixtureRequest) -> bool:
    """Whether the tests' shared session is back too, so later tests find it working."""
    session: CassandraSession = request.getfixturevalue("cassandra_session")
    try:
        session.ping()
    except Unavailable:
        return False
    return True


@pytest.mark.slow
@RESTART_BUDGET
def test_cassandra_down_is_503_the_cached_feed_serves_and_nothing_is_lost(
    api: Api, cassandra: CassandraServer, request: pytest.FixtureRequest
) -> None:
    alice, bob = api.register("alice"), api.register("bob")
    api.client.post("/api/v1/users/alice/follow", headers=bob)
    post = api.publish(alice, photo("Canon_40D.jpg"), caption="before the outage")
    post_id = post["post_id"]
    comments = f"/api/v1/posts/{post_id}/comments"
    assert api.client.post(comments, json={"text": "acknowledged"}, headers=bob).status_code == 201
    cached_page = api.client.get("/api/v1/feed", headers=bob)
    assert [p["post_id"] for p in cached_page.json()["items"]] == [post_id]

    cassandra.stop()
    try:
        comment = api.client.post(comments, json={"text": "while down"}, headers=bob)
        assert comment.status_code == 503, comment.text
        assert comment.json()["error"]["code"] == "unavailable"
        assert int(comment.headers["retry-after"]) >= 1
        upload = api.client.get(
            "/api/v1/media/upload-url",
            params={"type": "image", "content_type": "image/jpeg"},
            headers=alice,
        )
        assert upload.status_code == 503, upload.text
        assert "retry-after" in upload.headers
        ready = api.client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["dependencies"]["posts"].startswith("error")
        assert ready.json()["dependencies"]["feed_cache"] == "ok"
        # The first page, cached in the process, is served as it was.
        again = api.client.get("/api/v1/feed", headers=bob)
        assert again.status_code == 200
        assert again.content == cached_page.content
        # Another page size is not cached: the feed's ids from Redis, marked unhydrated.
        degraded = api.client.get("/api/v1/feed", params={"limit": 5}, headers=bob)
        assert degraded.status_code == 200, degraded.text
        assert degraded.json()["items"] == []
        assert degraded.json()["unhydrated"] == [post_id]
        assert degraded.json()["ranked"] is False
    finally:
        cassandra.start()

    wait_until(lambda: api.client.get("/readyz").status_code == 200)
    wait_until(lambda: reconnected(request))
    thread = api.client.get(comments, headers=bob).json()["items"]
    assert [c["text"] for c in thread] == ["acknowledged"]
    assert api.client.post(comments, json={"text": "after"}, headers=bob).status_code == 201
    feed = api.client.get("/api/v1/feed", params={"limit": 5}, headers=bob).json()
    assert [p["post_id"] for p in feed["items"]] == [post_id]
    assert feed["unhydrated"] == []


@pytest.mark.slow
@RESTART_BUDGET
def test_every_acknowledged_write_survives_a_restart(
    request: pytest.FixtureRequest, cassandra: CassandraServer
) -> None:
    """A writer keeps adding comments while the server stops and starts again: each add
    that returned is stored afterwards; each that failed raised ``Unavailable``."""
    store = CassandraCommentStore(fresh_session(request, "comments"))
    acknowledged: list[int] = []
    failures: list[BaseException] = []
    stop = threading.Event()

    def write() -> None:
        comment_id = 0
        while not stop.is_set():
            comment_id += 1
            try:
                store.add(Comment(comment_id, 7, "fan", f"comment {comment_id}", T0))
            except Unavailable:
                time.sleep(0.05)
            except BaseException as exc:  # anything else is a bug
                failures.append(exc)
                return
            else:
                acknowledged.append(comment_id)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        wait_until(lambda: len(acknowledged) >= 20)
        cassandra.stop()
        before_restart = len(acknowledged)
        cassandra.start()
        wait_until(lambda: len(acknowledged) >= before_restart + 20)
        wait_until(lambda: reconnected(request))
    finally:
        stop.set()
        writer.join()
    assert failures == []
    stored = [c.comment_id for c in store.list(7, None, 10_000)]
    assert set(acknowledged) <= set(stored)


def test_a_timeout_is_unavailable_never_a_driver_error(
    request: pytest.FixtureRequest, cassandra: CassandraServer
) -> None:
    fresh_session(request, "posts")  # the keyspace exists and is migrated
    impatient = attrs.evolve(settings_for(cassandra), request_timeout=0.000_001)
    session = CassandraSession.connect(impatient, "contract")
    try:
        with pytest.raises(Unavailable, match="OperationTimedOut"):
            CassandraPostStore(session).get_many(range(50))
    finally:
        session.close()


def test_a_post_whose_index_write_fails_is_taken_back(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The client hears 503 and publishes again under a new id: the first row must not
    linger where no grid and no recovery sweep would ever list it."""
    session = fresh_session(request, "posts")
    store = CassandraPostStore(session)

    def lost(*args: object) -> None:
        raise Unavailable("the batch timed out")

    monkeypatch.setattr(session, "batch", lost)
    with pytest.raises(Unavailable):
        store.add(Post(1, "ann", (10,), T0))
    monkeypatch.undo()
    assert store.get(1) is None
    store.add(Post(1, "ann", (10,), T0))  # the id is free again
    assert [p.post_id for p in store.by_status(PostStatus.PROCESSING, 5)] == [1]

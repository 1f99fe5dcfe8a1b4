"""HTTP end to end on the embedded profile: real SQLite file, real disk, real worker threads."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import redis
from litestar.testing import TestClient

from instagram_adapters.cassandra.session import CassandraSession
from instagram_entrypoints.config import Settings
from instagram_entrypoints.containers import Application, build_container
from instagram_entrypoints.http.app import create_app
from tests.mysql_support import create_database, mariadb


def embedded_settings(data_dir: Path, **overrides: Any) -> Settings:
    """Photos are processed in-thread here (``media_workers=0``): spawning a process pool
    per test app would dominate the suite; ``test_media_pool.py`` runs the pool itself."""
    values: dict[str, Any] = {"media_workers": 0, **overrides}
    return Settings(data_dir=data_dir, secret_key="integration-secret-" + "x" * 32, **values)


class Api:
    """A test client that speaks the API's language: users, tokens, uploads."""

    def __init__(self, client: TestClient[Any], container: Application) -> None:
        self.client = client
        self.container = container

    def register(self, username: str, private: bool = False) -> dict[str, str]:
        body = {"username": username, "password": "correct horse", "is_private": private}
        created = self.client.post("/api/v1/accounts", json=body)
        assert created.status_code == 201, created.text
        token = self.client.post(
            "/api/v1/auth/token", json={"username": username, "password": "correct horse"}
        ).json()["access_token"]
        return {"Authorization": f"Bearer {token}"}

    def upload(self, auth: dict[str, str], data: bytes, content_type: str = "image/jpeg") -> str:
        ticket = self.client.get(
            "/api/v1/media/upload-url",
            params={"type": "image", "content_type": content_type},
            headers=auth,
        )
        assert ticket.status_code == 200, ticket.text
        url, headers = ticket.json()["upload_url"], ticket.json()["headers"]
        if url.startswith(self.container.config.blob_base_url()):  # served by this app
            put = self.client.put(local(url), content=data, headers=headers)
        else:  # a pre-signed URL of the production blob store (S3)
            put = httpx.put(url, content=data, headers=headers)
        assert put.status_code == 200, put.text
        return str(ticket.json()["media_id"])

    def fetch(self, url: str) -> httpx.Response:
        """GET a media URL the API handed out, wherever it points."""
        if url.startswith(self.container.config.blob_base_url()):
            return self.client.get(local(url))
        return httpx.get(url)

    def publish(self, auth: dict[str, str], data: bytes, **body: Any) -> dict[str, Any]:
        media_id = self.upload(auth, data)
        created = self.client.post(
            "/api/v1/posts", json={"media_ids": [media_id], **body}, headers=auth
        )
        assert created.status_code == 201, created.text
        return self.wait_until_done(auth, created.json()["post_id"])

    def wait_until_done(
        self, auth: dict[str, str], post_id: str, timeout: float = 60
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            post: dict[str, Any] = self.client.get(f"/api/v1/posts/{post_id}", headers=auth).json()
            if post["status"] != "processing":
                self.container.core.running_bus().drain(timeout)  # fan-out and notifications too
                return post
            time.sleep(0.02)
        raise AssertionError(f"post {post_id} still processing after {timeout} s")


def local(url: str) -> str:
    """The path and query of an absolute URL the API handed out, for the test client."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    container = build_container(embedded_settings(tmp_path / "data"))
    with TestClient(create_app(container=container)) as client:
        yield Api(client, container)


@pytest.fixture
def prod_settings(
    request: pytest.FixtureRequest, tmp_path: Path, s3_endpoint: str
) -> Iterator[Settings]:
    """Production settings on the session's engines, in a keyspace, database, index prefix and
    bucket of this test's own. The keyspace and the indexes are dropped afterwards: every
    Cassandra table holds memtable space on the heap, and a suite's worth of test keyspaces
    once ran the shared node out of memory."""
    redis_url = request.getfixturevalue("redis_server").url
    redis.Redis.from_url(redis_url).flushdb()
    suffix = uuid.uuid4().hex[:8]
    cassandra = request.getfixturevalue("cassandra_server")
    es_url = request.getfixturevalue("es_server").url
    cleanup: CassandraSession = request.getfixturevalue("cassandra_session")
    yield embedded_settings(
        tmp_path / "data",
        profile="production",
        redis_url=redis_url,
        cassandra_contact_points=",".join(cassandra.contact_points),
        cassandra_port=cassandra.port,
        cassandra_keyspace=f"it_{suffix}",
        cassandra_local_dc=cassandra.local_dc,
        cassandra_timeout_seconds=30.0,  # a loaded 2-core test machine
        mysql_url=create_database(mariadb(request), f"instagram_it_{suffix}"),
        elasticsearch_url=es_url,
        elasticsearch_index_prefix=f"it-{suffix}",
        s3_endpoint_url=s3_endpoint,
        s3_bucket=f"media-{suffix}",
        s3_access_key_id="testing",
        s3_secret_access_key="testing",
    )
    cleanup.raw.execute(f"DROP KEYSPACE IF EXISTS it_{suffix}", timeout=120)
    httpx.delete(f"{es_url}/it-{suffix}*", timeout=60).raise_for_status()


@pytest.fixture
def prod_api(prod_settings: Settings) -> Iterator[Api]:
    container = build_container(prod_settings)
    with TestClient(create_app(container=container)) as client:
        yield Api(client, container)

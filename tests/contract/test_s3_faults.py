"""S3 failures reach the core as ``Unavailable``, never as a botocore exception.

moto does not fail on demand, so these tests talk to stand-ins: a tiny HTTP server that
answers every request with one S3 error, a port nobody listens on, and a socket that
accepts connections but never answers.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from botocore.exceptions import BotoCoreError, ClientError

from instagram_adapters.s3 import S3BlobStore
from instagram_adapters.s3.client import make_client
from instagram_core.domain.errors import Unavailable
from tests.engines import free_port

KEY = "u1/2024/05/42/original.jpg"
Operation = Callable[[S3BlobStore], object]

OPERATIONS: dict[str, Operation] = {
    "put": lambda s3: s3.put(KEY, b"x", "image/jpeg"),
    "get": lambda s3: s3.get(KEY),
    "read_head": lambda s3: s3.read_head(KEY, 16),
    "delete_prefix": lambda s3: s3.delete_prefix("u1/"),
    "ensure_bucket": lambda s3: s3.ensure_bucket(),
    "start_multipart": lambda s3: s3.start_multipart(KEY, "video/mp4"),
    "story_lifecycle": lambda s3: s3.configure_story_lifecycle(),
}


def store_at(url: str) -> S3BlobStore:
    client = make_client(
        url, "us-east-1", "testing", "testing", connect_timeout=0.5, read_timeout=0.3,
        max_attempts=1,
    )  # fmt: skip
    return S3BlobStore(client, "media-bucket")


class FailingS3(BaseHTTPRequestHandler):
    """Answers every request with the error in ``answer`` (status, S3 code)."""

    protocol_version = "HTTP/1.1"  # so botocore's ``Expect: 100-continue`` is answered
    answer = (503, "SlowDown")

    def reply(self) -> None:
        status, code = self.answer
        body = f"<Error><Code>{code}</Code><Message>injected</Message></Error>".encode()
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = reply  # noqa: N815 (http.server's names)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def fake_s3() -> Iterator[S3BlobStore]:
    """One stand-in server and client for the module: building a client takes ~0.3 s."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), FailingS3)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield store_at(f"http://127.0.0.1:{server.server_address[1]}")
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def failing_s3(
    request: pytest.FixtureRequest, fake_s3: S3BlobStore, monkeypatch: pytest.MonkeyPatch
) -> S3BlobStore:
    monkeypatch.setattr(FailingS3, "answer", request.param)
    return fake_s3


@pytest.fixture(scope="module")
def unreachable_s3() -> S3BlobStore:
    return store_at(f"http://127.0.0.1:{free_port()}")


def assert_unavailable(operation: Operation, s3: S3BlobStore) -> None:
    with pytest.raises(Unavailable) as raised:
        operation(s3)
    assert isinstance(raised.value.__cause__, BotoCoreError | ClientError)


@pytest.mark.parametrize(
    "failing_s3",
    [(503, "SlowDown"), (500, "InternalError"), (403, "AccessDenied"), (404, "NoSuchBucket")],
    indirect=True,
    ids=["slow-down", "internal-error", "access-denied", "no-such-bucket"],
)
@pytest.mark.parametrize("operation", OPERATIONS.values(), ids=OPERATIONS.keys())
def test_s3_error_answers_become_unavailable(failing_s3: S3BlobStore, operation: Operation) -> None:
    assert_unavailable(operation, failing_s3)


@pytest.mark.parametrize("failing_s3", [(503, "SlowDown")], indirect=True, ids=["slow-down"])
def test_s3_info_of_an_overloaded_store_is_unavailable_not_missing(
    failing_s3: S3BlobStore,
) -> None:
    assert_unavailable(lambda s3: s3.info(KEY), failing_s3)


@pytest.mark.parametrize("operation", OPERATIONS.values(), ids=OPERATIONS.keys())
def test_s3_unreachable_endpoint_is_unavailable(
    unreachable_s3: S3BlobStore, operation: Operation
) -> None:
    assert_unavailable(operation, unreachable_s3)


def test_s3_endpoint_that_never_answers_is_unavailable() -> None:
    with socket.socket() as silent:  # the kernel accepts connections; nobody reads them
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        s3 = store_at(f"http://127.0.0.1:{silent.getsockname()[1]}")
        assert_unavailable(lambda store: store.get(KEY), s3)

"""Real engines for the production adapters' tests, each a private server process on a free
loopback port, started from the binaries Debian installs (``.ci/run`` installs them).

Locally a missing binary skips the tests that need it, with the reason; in CI
(``INSTAGRAM_REQUIRE_ENGINES=1``) it fails them, so no production test is silently skipped.
Each fixture owns its process, so fault tests can stop and restart the engine.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REQUIRE_ENGINES = os.environ.get("INSTAGRAM_REQUIRE_ENGINES") == "1"


def missing(what: str) -> None:
    """Skip (locally) or fail (in CI) a test whose engine is not installed."""
    import pytest  # here, so that the launcher runs without the test dependencies

    message = f"{what} is not installed (run .ci/run, or `nox -s engines`, to install it)"
    if REQUIRE_ENGINES:
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class EngineDied(RuntimeError):
    """The server process exited while we waited for it."""


def wait_for(ready: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except EngineDied:
            raise
        except Exception:  # not up yet
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not become ready within {timeout} s")


def _accepts(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class ServerProcess:
    """A server started from a command line; ``stop``/``start`` for fault tests."""

    def __init__(
        self, name: str, command: list[str], port: int, workdir: Path, ready_timeout: float = 30
    ) -> None:
        self.name = name
        self.command = command
        self.port = port
        self.workdir = workdir
        self.ready_timeout = ready_timeout
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with (self.workdir / f"{self.name}.log").open("ab") as log:
            self._process = subprocess.Popen(
                self.command, stdout=log, stderr=subprocess.STDOUT, cwd=self.workdir
            )
        process = self._process

        def ready() -> bool:
            if process.poll() is not None:
                raise EngineDied(
                    f"{self.name} exited with {process.returncode}:\n{self.log_tail()}"
                )
            return _accepts(self.port)

        wait_for(ready, self.name, self.ready_timeout)

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None

    @property
    def pid(self) -> int | None:
        """The running server's process id (``scripts/engines.py down`` stops it by this)."""
        return None if self._process is None else self._process.pid

    def log_tail(self) -> str:
        path = self.workdir / f"{self.name}.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""


class RedisServer(ServerProcess):
    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


def start_redis() -> RedisServer | None:
    binary = shutil.which("redis-server")
    if binary is None:
        return None
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="ig-redis-"))
    server = RedisServer(
        "redis",
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        port,
        workdir,
    )
    server.start()
    return server


class MariaDbServer(ServerProcess):
    database = "instagram_test"

    @property
    def url(self) -> str:
        return f"mysql://root@127.0.0.1:{self.port}/{self.database}"


def _mariadb_binaries() -> tuple[str, str] | None:
    server = shutil.which("mariadbd") or shutil.which("mariadbd", path="/usr/sbin")
    installer = shutil.which("mariadb-install-db")
    return (server, installer) if server and installer else None


def start_mariadb() -> MariaDbServer | None:
    binaries = _mariadb_binaries()
    if binaries is None:
        return None
    server_bin, installer = binaries
    workdir = Path(tempfile.mkdtemp(prefix="ig-mariadb-"))
    datadir = workdir / "data"
    user = ["--user=root"] if os.geteuid() == 0 else []
    subprocess.run(
        [
            installer,
            f"--datadir={datadir}",
            "--auth-root-authentication-method=normal",
            "--skip-test-db",
            *user,
        ],
        check=True,
        capture_output=True,
    )
    port = free_port()
    command = [
        server_bin,
        "--no-defaults",
        f"--datadir={datadir}",
        f"--port={port}",
        "--bind-address=127.0.0.1",
        f"--socket={workdir / 'mysqld.sock'}",
        f"--pid-file={workdir / 'mysqld.pid'}",
        "--skip-log-bin",
        "--innodb-flush-log-at-trx-commit=2",
        "--innodb-buffer-pool-size=64M",
        *user,
    ]
    server = MariaDbServer("mariadb", command, port, workdir)
    server.start()
    return server

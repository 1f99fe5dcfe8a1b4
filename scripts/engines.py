"""Start or stop every engine the production profile needs, on loopback, in the background.

    python scripts/engines.py up --env-file .engines.env    # returns once all are ready
    set -a; . ./.engines.env; set +a                         # INSTAGRAM_* for the fleet
    python scripts/engines.py down --env-file .engines.env

Redis and MariaDB come from the installed binaries, Kafka and Cassandra from Maven Central
(cached in the ignored ``.cache/engines``), the S3 server is moto. They are the same private
servers the tests start (``tests/engines.py``, ``tests/jvm_engines.py``). The env file holds the
settings and, as comments, each engine's process id and data directory for ``down``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pymysql  # noqa: E402 -- after the path set-up above
from tests.engines import free_port, start_mariadb, start_redis, wait_for  # noqa: E402
from tests.jvm_engines import start_cassandra, start_elasticsearch, start_kafka  # noqa: E402

ENGINE_LINE = "# engine "


def up(env_file: Path) -> int:
    if env_file.exists():
        print(f"{env_file} exists: run down first (engines may still be running)")
        return 1
    started: list[tuple[str, int, Path | None]] = []
    settings: dict[str, str] = {"INSTAGRAM_PROFILE": "production"}
    try:
        timings: dict[str, float] = {}
        t0 = time.monotonic()
        redis_server = start_redis()
        if redis_server is None:
            raise SystemExit("redis-server is not installed (nox -s engines installs it)")
        started.append(("redis", _pid(redis_server.pid), redis_server.workdir))
        settings["INSTAGRAM_REDIS_URL"] = redis_server.url
        timings["redis"] = time.monotonic() - t0

        t0 = time.monotonic()
        mariadb = start_mariadb()
        if mariadb is None:
            raise SystemExit("MariaDB is not installed (nox -s engines installs it)")
        started.append(("mariadb", _pid(mariadb.pid), mariadb.workdir))
        with pymysql.connect(host="127.0.0.1", port=mariadb.port, user="root") as admin:
            admin.cursor().execute("CREATE DATABASE IF NOT EXISTS instagram")
        settings["INSTAGRAM_MYSQL_URL"] = f"mysql://root@127.0.0.1:{mariadb.port}/instagram"
        timings["mariadb"] = time.monotonic() - t0

        t0 = time.monotonic()
        s3_port = free_port()
        s3 = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3_port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        started.append(("s3", s3.pid, None))
        wait_for(lambda: _accepts(s3_port), "the S3 server")
        settings["INSTAGRAM_S3_ENDPOINT_URL"] = f"http://127.0.0.1:{s3_port}"
        settings["INSTAGRAM_S3_ACCESS_KEY_ID"] = "testing"
        settings["INSTAGRAM_S3_SECRET_ACCESS_KEY"] = "testing"
        timings["s3"] = time.monotonic() - t0

        _start_jvm_engines(started, settings, timings)
    except BaseException:
        _stop(started)
        raise
    lines = [f"{name}={value}" for name, value in settings.items()]
    lines += [f"{ENGINE_LINE}{name} {pid} {workdir or ''}" for name, pid, workdir in started]
    env_file.write_text("\n".join(lines) + "\n")
    for name, seconds in timings.items():
        print(f"{name} ready in {seconds:.1f} s")
    print(f"settings written to {env_file}")
    return 0


def _start_jvm_engines(
    started: list[tuple[str, int, Path | None]],
    settings: dict[str, str],
    timings: dict[str, float],
) -> None:
    """Kafka, Cassandra and Elasticsearch, fetched from Maven Central on first use."""
    t0 = time.monotonic()
    kafka = start_kafka()
    if kafka is None:
        raise SystemExit("Kafka needs java and mvn (it is fetched from Maven Central)")
    started.append(("kafka", _pid(kafka.pid), kafka.workdir))
    settings["INSTAGRAM_KAFKA_BOOTSTRAP_SERVERS"] = kafka.bootstrap_servers
    timings["kafka"] = time.monotonic() - t0

    t0 = time.monotonic()
    cassandra = start_cassandra()
    if cassandra is None:
        raise SystemExit("Cassandra needs java 17 and mvn (it is fetched from Maven Central)")
    started.append(("cassandra", _pid(cassandra.pid), cassandra.workdir))
    settings["INSTAGRAM_CASSANDRA_CONTACT_POINTS"] = ",".join(cassandra.contact_points)
    settings["INSTAGRAM_CASSANDRA_PORT"] = str(cassandra.port)
    settings["INSTAGRAM_CASSANDRA_LOCAL_DC"] = cassandra.local_dc
    timings["cassandra"] = time.monotonic() - t0

    t0 = time.monotonic()
    search = start_elasticsearch()
    if search is None:
        raise SystemExit("Elasticsearch needs java and mvn (it is fetched from Maven Central)")
    started.append(("elasticsearch", _pid(search.pid), search.workdir))
    settings["INSTAGRAM_ELASTICSEARCH_URL"] = search.url
    timings["elasticsearch"] = time.monotonic() - t0


def down(env_file: Path) -> int:
    if not env_file.exists():
        print(f"{env_file} does not exist: nothing to stop")
        return 0
    started = []
    for line in env_file.read_text().splitlines():
        if line.startswith(ENGINE_LINE):
            name, pid, *rest = line[len(ENGINE_LINE) :].split(" ", 2)
            workdir = Path(rest[0]) if rest and rest[0] else None
            started.append((name, int(pid), workdir))
    _stop(started)
    env_file.unlink()
    print(f"stopped {', '.join(name for name, _, _ in started)}")
    return 0


def _stop(started: list[tuple[str, int, Path | None]]) -> None:
    for _, pid, _ in started:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    for _, pid, workdir in started:
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        _signal(pid, signal.SIGKILL)
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)


def _pid(pid: int | None) -> int:
    assert pid is not None, "a started engine has a process"
    return pid


def _signal(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # reaped or a zombie
        return os.waitpid(pid, os.WNOHANG) == (0, 0)
    except ChildProcessError:
        return True


def _accepts(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["up", "down"])
    parser.add_argument("--env-file", type=Path, required=True)
    args = parser.parse_args()
    return up(args.env_file) if args.action == "up" else down(args.env_file)


if __name__ == "__main__":
    sys.exit(main())

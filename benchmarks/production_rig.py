"""The production profile's engines for an HTTP benchmark, through the project's launcher.

``scripts/engines.py up`` starts Redis, MariaDB, the S3 server (moto), Kafka, Cassandra and
Elasticsearch on loopback and writes their settings to an env file; ``down`` stops them and
removes their data. The production profile uses all six: Redis for feeds, snapshots, change
versions and rate limits; MariaDB for users, the graph and the Kafka outbox; Cassandra for
posts, media, affinity and the rest; S3 for the photos; Kafka for the bus; Elasticsearch
for the search index, which the indexer worker writes on every sign-up and post.

Not a ``bench_*.py`` itself, so ``run_all.py`` does not run it.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAUNCHER = ROOT / "scripts" / "engines.py"
UP_TIMEOUT = 900.0  # a first run fetches the JVM engines from Maven Central
DOWN_TIMEOUT = 120.0


class EnginesUnavailable(Exception):
    """The launcher could not start the engines (no Java, Maven, MariaDB...): its output."""


def read_env_file(path: Path) -> dict[str, str]:
    """The ``INSTAGRAM_*`` settings of the launcher's env file (comments are its pids)."""
    settings = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            settings[name] = value
    return settings


@contextmanager
def production_engines(work_dir: Path) -> Iterator[dict[str, str]]:
    """Every engine the production profile needs, up for the block; their settings as
    environment variables. Always brought down, whatever the block raised."""
    env_file = work_dir / "engines.env"
    try:
        started = subprocess.run(
            [sys.executable, str(LAUNCHER), "up", "--env-file", str(env_file)],
            capture_output=True,
            text=True,
            timeout=UP_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        _down(env_file)
        raise EnginesUnavailable(f"the engines did not start in {UP_TIMEOUT:.0f} s") from exc
    if started.returncode != 0 or not env_file.exists():
        _down(env_file)
        tail = "\n".join((started.stdout + started.stderr).strip().splitlines()[-5:])
        raise EnginesUnavailable(f"scripts/engines.py up failed:\n{tail}")
    print("  " + "; ".join(started.stdout.strip().splitlines()), flush=True)
    try:
        yield read_env_file(env_file)
    finally:
        _down(env_file)


def _down(env_file: Path) -> None:
    if env_file.exists():
        subprocess.run(
            [sys.executable, str(LAUNCHER), "down", "--env-file", str(env_file)],
            capture_output=True,
            timeout=DOWN_TIMEOUT,
            check=False,
        )


def settle(env: dict[str, str], timeout: float) -> None:
    """Wait until the bus is idle: the MySQL outbox relayed (no row waiting to be sent)
    and every worker group caught up on every family topic. The data is built in another
    process than the workers, so this is how the build knows its fan-out has run."""
    import time

    from instagram_adapters.kafka.lag import group_lag
    from instagram_adapters.kafka.topics import Topology
    from instagram_adapters.mysql.pool import MySqlPool
    from instagram_core.services.handlers import WORKER_KINDS

    prefix = env.get("INSTAGRAM_KAFKA_TOPIC_PREFIX", "instagram")
    bootstrap = env["INSTAGRAM_KAFKA_BOOTSTRAP_SERVERS"]
    topics = Topology(prefix=prefix).family_topics()
    groups = [f"{prefix}.{kind}" for kind in WORKER_KINDS]
    pool = MySqlPool.from_url(env["INSTAGRAM_MYSQL_URL"], size=1)
    deadline = time.monotonic() + timeout
    waiting, lag = -1, -1
    try:
        while time.monotonic() < deadline:
            with pool.connection() as conn, conn.cursor() as cur:
                cur.execute("SELECT COUNT(*) AS n FROM outbox WHERE held = 0")
                row = cur.fetchone()
            waiting = int(row["n"]) if row else 0
            lag = sum(group_lag(bootstrap, group, topics) for group in groups)
            if waiting == 0 and lag == 0:
                return
            time.sleep(0.5)
    finally:
        pool.close()
    raise RuntimeError(
        f"the bus did not settle in {timeout:.0f} s: {waiting} outbox rows, {lag} records behind"
    )

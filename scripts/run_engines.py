"""Start the production profile's engines on loopback for a developer (``nox -s engines``):
Redis, MariaDB and an S3 server (moto), each a private process like the tests start, and
print the environment that points ``instagram serve --profile production`` at them.
Ctrl-C stops them all."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pymysql
from moto.server import ThreadedMotoServer
from tests.engines import free_port, start_mariadb, start_redis


def main() -> int:
    redis_server = start_redis()
    mariadb = start_mariadb()
    if redis_server is None or mariadb is None:
        print("redis-server and mariadb-server must be installed (apt-get install them)")
        return 1
    with pymysql.connect(host="127.0.0.1", port=mariadb.port, user="root") as admin:
        admin.cursor().execute("CREATE DATABASE IF NOT EXISTS instagram")
    mysql_url = mariadb.url.rsplit("/", 1)[0] + "/instagram"
    s3_port = free_port()
    s3 = ThreadedMotoServer(ip_address="127.0.0.1", port=s3_port, verbose=False)
    s3.start()
    print("engines running; in another shell:\n")
    print(f"export INSTAGRAM_PROFILE=production INSTAGRAM_REDIS_URL={redis_server.url}")
    print(f"export INSTAGRAM_MYSQL_URL={mysql_url}")
    print(f"export INSTAGRAM_S3_ENDPOINT_URL=http://127.0.0.1:{s3_port}")
    print("export INSTAGRAM_S3_ACCESS_KEY_ID=testing INSTAGRAM_S3_SECRET_ACCESS_KEY=testing")
    print("instagram serve\n\nCtrl-C stops the engines.", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    s3.stop()
    mariadb.stop()
    redis_server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Opening pymysql connections to the server one ``mysql://...`` URL names.

A URL keeps deployment configuration to one environment variable (``INSTAGRAM_MYSQL_URL``).
Unknown query options are refused rather than ignored, so a typo cannot go unnoticed.
Every session is set up the same way: autocommit (reads hold no snapshot open), READ
COMMITTED (a ``SELECT ... FOR UPDATE`` of a missing row takes no gap lock, so concurrent
inserts of different rows cannot deadlock), strict SQL mode (nothing silently truncated).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import Any, TypeAlias
from urllib.parse import parse_qsl, unquote, urlsplit

import attrs
import pymysql
import pymysql.cursors
from pymysql.constants import CLIENT

Connection: TypeAlias = pymysql.connections.Connection
Cursor: TypeAlias = pymysql.cursors.DictCursor
Params: TypeAlias = tuple[Any, ...] | dict[str, Any]

SCHEMES = frozenset({"mysql", "mysql+pymysql", "mariadb", "mariadb+pymysql"})
DEFAULT_PORT = 3306
_OPTIONS = frozenset({"charset", "unix_socket"})


@attrs.frozen
class MySqlUrl:
    host: str
    port: int
    user: str
    password: str = attrs.field(repr=False)
    database: str | None
    charset: str = "utf8mb4"
    unix_socket: str | None = None


def parse_mysql_url(url: str) -> MySqlUrl:
    """Split a URL into connection settings; raises ``ValueError`` for anything malformed.

    User and password are percent-decoded; an empty path connects without a database."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise ValueError(f"a MySQL URL starts with mysql://, not {parts.scheme or 'nothing'}://")
    options = dict(parse_qsl(parts.query, strict_parsing=bool(parts.query)))
    unknown = sorted(set(options) - _OPTIONS)
    if unknown:
        raise ValueError(f"unknown MySQL URL options: {', '.join(unknown)}")
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError as exc:
        raise ValueError(f"the MySQL URL has a bad port: {exc}") from exc
    database = unquote(parts.path.lstrip("/"))
    return MySqlUrl(
        host=parts.hostname or "localhost",
        port=port,
        user=unquote(parts.username or "root"),
        password=unquote(parts.password or ""),
        database=database or None,
        charset=options.get("charset", "utf8mb4"),
        unix_socket=options.get("unix_socket"),
    )


def connector(
    url: str, connect_timeout: float, read_timeout: float, lock_wait_timeout: int
) -> Callable[[], Connection]:
    """A function opening set-up connections to ``url``; the URL is checked at once."""
    where = parse_mysql_url(url)

    def connect() -> Connection:
        conn = pymysql.connect(
            host=where.host,
            port=where.port,
            user=where.user,
            password=where.password,
            database=where.database,
            unix_socket=where.unix_socket,
            charset=where.charset,
            autocommit=True,
            cursorclass=Cursor,
            client_flag=CLIENT.FOUND_ROWS,  # rowcount counts matched rows, not changed ones
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            write_timeout=read_timeout,
        )
        try:
            with conn.cursor() as cur:
                cur.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")
                cur.execute(
                    "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION',"
                    " innodb_lock_wait_timeout = %s, time_zone = '+00:00'",
                    (lock_wait_timeout,),
                )
        except BaseException:
            with suppress(pymysql.MySQLError):
                conn.close()
            raise
        return conn

    return connect

"""Schema migrations kept in the repository as numbered SQL files, applied in order.

``migrations/NNNN_name.sql`` files hold ``;``-terminated statements (no procedures, so a
``;`` at the end of a line ends a statement). Each file runs in a transaction with its
row in ``schema_migrations``; MySQL commits DDL implicitly, so files write their DDL
idempotently (``CREATE TABLE IF NOT EXISTS`` with inline indexes) and a file that failed
half-way can simply be run again. A named server lock serialises concurrent runs.
"""

from __future__ import annotations

import re
from importlib.resources import files

from instagram_adapters.mysql.connect import Cursor
from instagram_adapters.mysql.pool import MySqlPool
from instagram_core.domain.errors import Unavailable

_FILE_NAME = re.compile(r"(\d{4}_[a-z0-9_]+)\.sql")
_LOCK = "instagram.schema_migrations"
_LOCK_WAIT_SECONDS = 60
_LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version VARCHAR(255) NOT NULL PRIMARY KEY,
    applied_at DATETIME(6) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
"""


def available_migrations() -> list[tuple[str, str]]:
    """(version, SQL) of every migration file shipped with the package, in order."""
    found: list[tuple[str, str]] = []
    for entry in files("instagram_adapters.mysql").joinpath("migrations").iterdir():
        match = _FILE_NAME.fullmatch(entry.name)
        if match is not None:
            found.append((match.group(1), entry.read_text(encoding="utf-8")))
    return sorted(found)


def statements(sql: str) -> list[str]:
    """The statements of a migration file, without ``--`` comment lines."""
    lines = [line for line in sql.splitlines() if not line.lstrip().startswith("--")]
    parts = re.split(r";[ \t]*$", "\n".join(lines), flags=re.MULTILINE)
    return [part.strip() for part in parts if part.strip()]


def apply_migrations(pool: MySqlPool) -> list[str]:
    """Apply the pending migrations in order; the versions applied (empty if none were)."""
    with pool.connection() as conn, conn.cursor() as cur:
        cur.execute("SELECT GET_LOCK(%s, %s) AS granted", (_LOCK, _LOCK_WAIT_SECONDS))
        if cur.fetchone()["granted"] != 1:
            raise Unavailable("another process is migrating the schema")
        try:
            cur.execute(_LEDGER)
            cur.execute("SELECT version FROM schema_migrations")
            done = {row["version"] for row in cur.fetchall()}
            applied: list[str] = []
            for version, sql in available_migrations():
                if version not in done:
                    conn.begin()
                    try:
                        _apply(cur, version, sql)
                        conn.commit()
                    except BaseException:
                        conn.rollback()
                        raise
                    applied.append(version)
            return applied
        finally:
            cur.execute("SELECT RELEASE_LOCK(%s)", (_LOCK,))


def _apply(cur: Cursor, version: str, sql: str) -> None:
    for statement in statements(sql):
        cur.execute(statement)
    cur.execute(
        "INSERT INTO schema_migrations (version, applied_at) VALUES (%s, UTC_TIMESTAMP(6))",
        (version,),
    )

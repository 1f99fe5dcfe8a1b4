"""Accounts in SQLite: the seed's ``users`` table, minus the counters other stores own.

The username is stored as given for display and lower-cased in ``username_key``, whose
UNIQUE index makes uniqueness case-insensitive even under concurrent sign-ups.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence

from instagram_adapters.sqlite.codecs import (
    conflict_on_integrity_error,
    from_micros,
    in_batches,
    to_micros,
)
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_core.domain.errors import NotFound
from instagram_core.domain.users import User

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    user_id TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    username_key TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    bio TEXT NOT NULL,
    avatar_url TEXT,
    is_private INTEGER NOT NULL,
    is_verified INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,  -- microseconds since the Unix epoch, UTC
    password_hash TEXT NOT NULL
) WITHOUT ROWID;
"""

_COLUMNS = "user_id, username, display_name, bio, avatar_url, is_private, is_verified, created_at"


def _user(row: sqlite3.Row) -> User:
    return User(
        user_id=row["user_id"],
        username=row["username"],
        display_name=row["display_name"],
        created_at=from_micros(row["created_at"]),
        bio=row["bio"],
        avatar_url=row["avatar_url"],
        is_private=bool(row["is_private"]),
        is_verified=bool(row["is_verified"]),
    )


class SqliteUserStore:
    """A :class:`~instagram_core.ports.UserStore` on a shared :class:`SqliteDatabase`."""

    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db
        db.apply_schema(SCHEMA)
        db.ensure_columns("users", {"is_verified": "INTEGER NOT NULL DEFAULT 0"})

    def add(self, user: User, password_hash: str) -> None:
        with conflict_on_integrity_error("username or user id is taken"):
            self._db.execute(
                "INSERT INTO users (user_id, username, username_key, display_name, bio,"
                " avatar_url, is_private, is_verified, created_at, password_hash)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    user.user_id,
                    user.username,
                    user.username.lower(),
                    user.display_name,
                    user.bio,
                    user.avatar_url,
                    int(user.is_private),
                    int(user.is_verified),
                    to_micros(user.created_at),
                    password_hash,
                ),
            )

    def get(self, user_id: str) -> User | None:
        row = self._db.query_one(f"SELECT {_COLUMNS} FROM users WHERE user_id = ?", (user_id,))
        return None if row is None else _user(row)

    def get_many(self, user_ids: Iterable[str]) -> Mapping[str, User]:
        found: dict[str, User] = {}
        for marks, batch in in_batches(user_ids):
            rows = self._db.query(f"SELECT {_COLUMNS} FROM users WHERE user_id IN ({marks})", batch)
            found.update((row["user_id"], _user(row)) for row in rows)
        return found

    def by_username(self, username: str) -> User | None:
        row = self._db.query_one(
            f"SELECT {_COLUMNS} FROM users WHERE username_key = ?", (username.lower(),)
        )
        return None if row is None else _user(row)

    def password_hash(self, user_id: str) -> str | None:
        row = self._db.query_one("SELECT password_hash FROM users WHERE user_id = ?", (user_id,))
        return None if row is None else str(row["password_hash"])

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        self._db.execute(
            "UPDATE users SET password_hash = ? WHERE user_id = ?", (password_hash, user_id)
        )

    def ids_after(self, after: str | None, limit: int) -> Sequence[str]:
        rows = self._db.query(
            "SELECT user_id FROM users WHERE user_id > ? ORDER BY user_id LIMIT ?",
            ("" if after is None else after, max(limit, 0)),
        )
        return [row["user_id"] for row in rows]

    def update(self, user: User) -> None:
        """Only profile fields change: the stored username and ``created_at`` are kept."""
        cursor = self._db.execute(
            "UPDATE users SET display_name = ?, bio = ?, avatar_url = ?, is_private = ?,"
            " is_verified = ? WHERE user_id = ?",
            (
                user.display_name,
                user.bio,
                user.avatar_url,
                int(user.is_private),
                int(user.is_verified),
                user.user_id,
            ),
        )
        if cursor.rowcount == 0:
            raise NotFound("user not found")

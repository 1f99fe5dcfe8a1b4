"""Accounts in MySQL: the seed's ``users`` table (schema in ``migrations/0001``).

The username is stored as given and lower-cased in ``username_key``, whose UNIQUE index
makes uniqueness case-insensitive, exactly as in the SQLite adapter. The counters on the
row belong to other stores (the social graph keeps the follow counts) and are not touched.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pymysql

from instagram_adapters.mysql.codecs import from_utc_naive, in_batches, to_utc_naive
from instagram_adapters.mysql.errors import DUPLICATE_KEY, error_code
from instagram_adapters.mysql.pool import MySqlPool
from instagram_core.domain.errors import Conflict, NotFound
from instagram_core.domain.users import User

_COLUMNS = "user_id, username, display_name, bio, avatar_url, is_private, is_verified, created_at"


def _user(row: Mapping[str, Any]) -> User:
    return User(
        user_id=row["user_id"],
        username=row["username"],
        display_name=row["display_name"],
        created_at=from_utc_naive(row["created_at"]),
        bio=row["bio"],
        avatar_url=row["avatar_url"],
        is_private=bool(row["is_private"]),
        is_verified=bool(row["is_verified"]),
    )


class MySqlUserStore:
    """A :class:`~instagram_core.ports.UserStore` on a :class:`MySqlPool`."""

    def __init__(self, pool: MySqlPool) -> None:
        self._pool = pool

    def add(self, user: User, password_hash: str) -> None:
        row = (
            user.user_id,
            user.username,
            user.username.lower(),
            user.display_name,
            user.bio,
            user.avatar_url,
            user.is_private,
            user.is_verified,
            to_utc_naive(user.created_at),
            password_hash,
        )
        with self._pool.connection() as conn, conn.cursor() as cur:
            try:
                cur.execute(
                    "INSERT INTO users (user_id, username, username_key, display_name, bio,"
                    " avatar_url, is_private, is_verified, created_at, password_hash)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    row,
                )
            except pymysql.IntegrityError as exc:
                if error_code(exc) != DUPLICATE_KEY:
                    raise
                raise Conflict("username or user id is taken") from exc

    def get(self, user_id: str) -> User | None:
        rows = self._pool.query(f"SELECT {_COLUMNS} FROM users WHERE user_id = %s", (user_id,))
        return _user(rows[0]) if rows else None

    def get_many(self, user_ids: Iterable[str]) -> Mapping[str, User]:
        found: dict[str, User] = {}
        for batch in in_batches(user_ids):
            rows = self._pool.query(f"SELECT {_COLUMNS} FROM users WHERE user_id IN %s", (batch,))
            found.update((row["user_id"], _user(row)) for row in rows)
        return found

    def by_username(self, username: str) -> User | None:
        rows = self._pool.query(
            f"SELECT {_COLUMNS} FROM users WHERE username_key = %s", (username.lower(),)
        )
        return _user(rows[0]) if rows else None

    def password_hash(self, user_id: str) -> str | None:
        rows = self._pool.query("SELECT password_hash FROM users WHERE user_id = %s", (user_id,))
        return str(rows[0]["password_hash"]) if rows else None

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        self._pool.execute(
            "UPDATE users SET password_hash = %s WHERE user_id = %s", (password_hash, user_id)
        )

    def ids_after(self, after: str | None, limit: int) -> Sequence[str]:
        rows = self._pool.query(
            "SELECT user_id FROM users WHERE user_id > %s ORDER BY user_id LIMIT %s",
            ("" if after is None else after, max(limit, 0)),
        )
        return [row["user_id"] for row in rows]

    def update(self, user: User) -> None:
        """Only profile fields change: the stored username and ``created_at`` are kept."""
        matched = self._pool.execute(
            "UPDATE users SET display_name = %s, bio = %s, avatar_url = %s, is_private = %s,"
            " is_verified = %s WHERE user_id = %s",
            (
                user.display_name,
                user.bio,
                user.avatar_url,
                user.is_private,
                user.is_verified,
                user.user_id,
            ),
        )
        if matched == 0:
            raise NotFound("user not found")

"""Accounts held in process memory, with the same case-insensitive username rule as SQL."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence

import attrs

from instagram_adapters.keyset import to_micros
from instagram_core.domain.errors import Conflict, NotFound
from instagram_core.domain.users import User


class InMemoryUserStore:
    """A :class:`~instagram_core.ports.UserStore` backed by dicts under one lock."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._users: dict[str, User] = {}
        self._hashes: dict[str, str] = {}
        self._ids_by_username: dict[str, str] = {}  # lower-cased username -> user id

    def add(self, user: User, password_hash: str) -> None:
        to_micros(user.created_at)  # reject a naive datetime exactly as the SQL store does
        key = user.username.lower()
        with self._lock:
            if user.user_id in self._users:
                raise Conflict("user id already exists")
            if key in self._ids_by_username:
                raise Conflict("username is taken")
            self._users[user.user_id] = user
            self._hashes[user.user_id] = password_hash
            self._ids_by_username[key] = user.user_id

    def get(self, user_id: str) -> User | None:
        with self._lock:
            return self._users.get(user_id)

    def get_many(self, user_ids: Iterable[str]) -> Mapping[str, User]:
        with self._lock:
            return {uid: self._users[uid] for uid in user_ids if uid in self._users}

    def by_username(self, username: str) -> User | None:
        with self._lock:
            user_id = self._ids_by_username.get(username.lower())
            return None if user_id is None else self._users[user_id]

    def password_hash(self, user_id: str) -> str | None:
        with self._lock:
            return self._hashes.get(user_id)

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        with self._lock:
            if user_id in self._hashes:
                self._hashes[user_id] = password_hash

    def ids_after(self, after: str | None, limit: int) -> Sequence[str]:
        with self._lock:
            ids = sorted(i for i in self._users if after is None or i > after)
        return ids[: max(limit, 0)]

    def update(self, user: User) -> None:
        """Only profile fields change: the stored username and ``created_at`` are kept."""
        with self._lock:
            stored = self._users.get(user.user_id)
            if stored is None:
                raise NotFound("user not found")
            self._users[user.user_id] = attrs.evolve(
                user, username=stored.username, created_at=stored.created_at
            )

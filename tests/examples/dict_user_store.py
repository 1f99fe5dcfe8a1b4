"""The worked example of docs/adapters.md: a user store written outside this repository's
packages, against the port alone. It keeps each account as one record in a dict."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence

import attrs

from instagram_core.domain.errors import Conflict, NotFound
from instagram_core.domain.users import User


@attrs.define
class _Account:
    user: User
    password_hash: str


class DictUserStore:
    """A :class:`~instagram_core.ports.UserStore` in one dict, under one lock.

    Usernames are compared case-insensitively by a scan: fine for an example and a few
    thousand accounts, which is all a dict is for."""

    def __init__(self) -> None:
        self._accounts: dict[str, _Account] = {}
        self._lock = threading.Lock()

    def add(self, user: User, password_hash: str) -> None:
        with self._lock:
            if user.user_id in self._accounts:
                raise Conflict("user id already exists")
            if self._find(user.username) is not None:
                raise Conflict("username is taken")
            self._accounts[user.user_id] = _Account(user, password_hash)

    def get(self, user_id: str) -> User | None:
        with self._lock:
            account = self._accounts.get(user_id)
            return None if account is None else account.user

    def get_many(self, user_ids: Iterable[str]) -> Mapping[str, User]:
        with self._lock:
            return {i: self._accounts[i].user for i in user_ids if i in self._accounts}

    def by_username(self, username: str) -> User | None:
        with self._lock:
            account = self._find(username)
            return None if account is None else account.user

    def password_hash(self, user_id: str) -> str | None:
        with self._lock:
            account = self._accounts.get(user_id)
            return None if account is None else account.password_hash

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        with self._lock:
            if user_id in self._accounts:
                self._accounts[user_id].password_hash = password_hash

    def ids_after(self, after: str | None, limit: int) -> Sequence[str]:
        with self._lock:
            ids = sorted(i for i in self._accounts if after is None or i > after)
            return ids[:limit]

    def update(self, user: User) -> None:
        with self._lock:
            account = self._accounts.get(user.user_id)
            if account is None:
                raise NotFound("user not found")
            account.user = attrs.evolve(
                user, username=account.user.username, created_at=account.user.created_at
            )

    def _find(self, username: str) -> _Account | None:
        wanted = username.lower()
        return next((a for a in self._accounts.values() if a.user.username.lower() == wanted), None)

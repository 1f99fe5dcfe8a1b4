from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from instagram_core.domain.users import User


class UserStore(Protocol):
    def add(self, user: User, password_hash: str) -> None:
        """Store a new account. Raises ``Conflict`` if the username (case-insensitively) or the
        user id is already taken; nothing is stored then."""
        ...

    def get(self, user_id: str) -> User | None:
        """The user, or ``None`` if no such id exists."""
        ...

    def get_many(self, user_ids: Iterable[str]) -> Mapping[str, User]:
        """The users that exist among ``user_ids``, keyed by id; unknown ids are left out."""
        ...

    def by_username(self, username: str) -> User | None:
        """Look up case-insensitively; ``None`` if no such username exists."""
        ...

    def password_hash(self, user_id: str) -> str | None:
        """The stored hash, or ``None`` if no such user exists."""
        ...

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        """Replace the hash (used to upgrade old hashes); a no-op for an unknown user."""
        ...

    def ids_after(self, after: str | None, limit: int) -> Sequence[str]:
        """Up to ``limit`` user ids greater than ``after`` (all if ``None``) in id order:
        how a search reindex walks every account. Empty when there are no more."""
        ...

    def update(self, user: User) -> None:
        """Replace the profile fields of an existing user (the username cannot change).
        Raises ``NotFound`` if the user does not exist."""
        ...

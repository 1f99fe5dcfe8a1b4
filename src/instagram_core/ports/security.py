from __future__ import annotations

from typing import Protocol

import attrs


@attrs.frozen
class IssuedToken:
    token: str
    expires_in: int


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str:
        """A salted, slow hash; two calls give different strings."""
        ...

    def verify(self, password_hash: str, password: str) -> bool:
        """``True`` when ``password`` matches; ``False`` for a wrong password or a malformed
        hash, never an exception."""
        ...

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether the hash was made with weaker parameters than the current ones."""
        ...


class TokenService(Protocol):
    def issue(self, user_id: str) -> IssuedToken:
        """A bearer token naming ``user_id`` that expires after ``expires_in`` seconds."""
        ...

    def verify(self, token: str) -> str:
        """The user id the token names. Raises ``Unauthenticated`` if it is malformed,
        tampered with or expired."""
        ...

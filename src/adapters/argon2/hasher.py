"""Argon2id password hashes, as OWASP recommends for new systems."""

from __future__ import annotations

import argon2
from argon2.exceptions import InvalidHashError, VerificationError


class Argon2PasswordHasher:
    """Salted Argon2id hashes in PHC string form (``$argon2id$v=19$m=...``).

    The defaults are argon2-cffi's (RFC 9106's low-memory profile). Hashes carry their own
    parameters, so raising the costs later still verifies old hashes, and
    :meth:`needs_rehash` tells the login flow to upgrade them.
    """

    def __init__(
        self,
        time_cost: int = argon2.DEFAULT_TIME_COST,
        memory_cost: int = argon2.DEFAULT_MEMORY_COST,
        parallelism: int = argon2.DEFAULT_PARALLELISM,
    ) -> None:
        self._hasher = argon2.PasswordHasher(
            time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism
        )

    @classmethod
    def fast_for_tests(cls) -> Argon2PasswordHasher:
        """The cheapest parameters argon2 accepts: never use them in production."""
        return cls(time_cost=1, memory_cost=8, parallelism=1)

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        """``False`` for a wrong password or any malformed or foreign hash; never raises."""
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError, ValueError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """Also ``True`` for a malformed hash: whatever it is, it is not a current one."""
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except (InvalidHashError, ValueError):
            return True

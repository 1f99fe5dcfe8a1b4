from __future__ import annotations

from typing import Protocol


class IdGenerator(Protocol):
    def next_id(self) -> int:
        """A new 64-bit snowflake id (see :mod:`instagram_core.domain.ids`): unique for this
        generator and strictly greater than every id it returned before."""
        ...

    def new_user_id(self) -> str:
        """A new user id: a random UUID in its canonical string form."""
        ...
